"""Demo seed data for cxm, transcribed from the programme source documents."""
