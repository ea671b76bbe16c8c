"""Protection of children's data: pseudonyms, disclosure control, report checks and
formula-safe exports."""
