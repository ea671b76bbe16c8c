"""Pure statistics: agreement coefficients, proportions and sampling, sample draws, statistical
process control, indicators and the working-day calendar. Nothing here reads files, prints or
rounds."""
