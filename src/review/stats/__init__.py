"""Pure statistics: agreement coefficients, proportions and sampling, proportions over audits that
each answer several criteria (``clustered``), sample draws, statistical process control,
indicators and the working-day calendar. Nothing here reads files, prints or
rounds."""
