"""The demo city (Fuzhou's five urban districts) and its history, loaded by `minsheng load_demo`."""
