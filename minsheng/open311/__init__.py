"""Open311 GeoReport v2 at /open311/v2/: any Open311 client files and follows requests here."""
