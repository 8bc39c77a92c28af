"""The knowledge base (知识库): answers the hotline gives, kept by centre staff, with revisions."""
