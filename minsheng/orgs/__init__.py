"""Units, their jurisdictions and members (承办单位、辖区、网格)."""
