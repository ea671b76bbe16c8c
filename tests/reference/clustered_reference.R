# Reference values for review.stats.clustered, computed by R's survey package (Lumley), which
# shares no code with the workbook. Each case is a hand-made audit sample: met[i] and
# applicable[i] are the criteria met and applicable in audit i. The script builds the design
# twice, as the Python function's docstring says it matches:
#   * one row per audit:  svydesign(ids = ~audit, fpc = ...) and svyratio(~met, ~applicable),
#   * one row per answer: svydesign(ids = ~audit, fpc = ...), the answer a 0/1 variable `y`,
#     then svymean(~y, deff = "replace"), svyciprop(~y, method = "beta") and
#     svyciprop(~y, method = "logit").
# Audits with no applicable criterion are dropped before either design (they carry no answer).
#
# Regenerate (from the repository root; needs R and the survey and jsonlite packages, e.g.
# `apt-get install r-base-core r-cran-survey r-cran-jsonlite` on Debian):
#   Rscript tests/reference/clustered_reference.R > tests/reference/clustered_reference.json
suppressPackageStartupMessages(library(survey))
library(jsonlite)

cases <- list(
  list(name = "equal sizes: 8 audits of 4 criteria",
       met = c(4, 3, 4, 2, 4, 1, 3, 4), applicable = rep(4, 8)),
  list(name = "unequal sizes, one audit with no applicable criterion (dropped)",
       met = c(4, 3, 2, 0, 2, 4, 0, 5), applicable = c(5, 3, 6, 0, 2, 4, 1, 5)),
  list(name = "p near 0: 12 audits, 2 answers met of 41",
       met = c(0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0),
       applicable = c(3, 4, 2, 5, 3, 4, 3, 4, 2, 5, 3, 3)),
  list(name = "p near 1: 10 audits, all met but one audit",
       met = c(5, 5, 4, 6, 5, 5, 3, 5, 6, 4), applicable = c(5, 5, 4, 6, 5, 5, 5, 5, 6, 4)),
  list(name = "finite population: 9 audits from a frame of 30 files",
       met = c(3, 2, 5, 1, 4, 4, 0, 3, 2), applicable = c(4, 3, 5, 3, 4, 6, 2, 3, 4),
       population = 30),
  list(name = "finite population, 90% level: 6 audits from 8 files",
       met = c(2, 3, 1, 4, 2, 3), applicable = c(3, 3, 2, 5, 4, 3), population = 8, level = 0.90),
  list(name = "every audit has one applicable criterion: 15 audits, 11 met",
       met = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1), applicable = rep(1, 15)),
  list(name = "every audit has one applicable criterion, with a finite population of 40",
       met = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1), applicable = rep(1, 15),
       population = 40),
  list(name = "strongly clustered: each audit meets all or none",
       met = c(6, 0, 6, 6, 0, 6, 6, 0), applicable = rep(6, 8)),
  list(name = "two audits (one degree of freedom), 80% level",
       met = c(3, 1), applicable = c(4, 3), level = 0.80)
)

# A larger sample drawn once (the values are written to the JSON, so the draw is only a way
# to get realistic data): 60 audits of 1 to 8 applicable criteria with an audit-level effect.
set.seed(20261205)
size <- sample(1:8, 60, replace = TRUE)
prob <- plogis(qlogis(0.78) + rnorm(60, sd = 1.2))
cases[[length(cases) + 1]] <- list(name = "60 audits drawn with an audit effect (seed 20261205)",
                                   met = rbinom(60, size, prob), applicable = size)
cases[[length(cases) + 1]] <- list(name = "the same 60 audits from a frame of 150 files, 99% level",
                                   met = cases[[length(cases)]]$met, applicable = size,
                                   population = 150, level = 0.99)

reference <- function(case) {
  level <- if (is.null(case$level)) 0.95 else case$level
  keep <- case$applicable > 0
  audits <- data.frame(audit = which(keep), met = case$met[keep], applicable = case$applicable[keep])
  audits$N <- if (is.null(case$population)) NA else case$population
  audits$one <- 1
  # Equal weights, said (with replacement) or implied by the frame size (with the correction).
  design <- function(data) {
    if (is.null(case$population)) svydesign(ids = ~audit, weights = ~one, data = data)
    else svydesign(ids = ~audit, fpc = ~N, data = data)
  }
  audit_design <- design(audits)
  ratio <- svyratio(~met, ~applicable, audit_design)

  answers <- do.call(rbind, lapply(seq_len(nrow(audits)), function(i) data.frame(
    audit = audits$audit[i],
    y = c(rep(1, audits$met[i]), rep(0, audits$applicable[i] - audits$met[i])),
    N = audits$N[i], one = 1)))
  answer_design <- design(answers)
  mean <- svymean(~y, answer_design, deff = "replace")
  beta <- svyciprop(~y, answer_design, method = "beta", level = level)
  logit <- svyciprop(~y, answer_design, method = "logit", level = level)
  list(
    name = case$name, met = case$met, applicable = case$applicable,
    population = if (is.null(case$population)) NULL else case$population,
    confidence_level = level,
    svyratio_ratio = unname(coef(ratio)), svyratio_se = unname(SE(ratio)),
    svymean_mean = unname(coef(mean)), svymean_se = as.numeric(SE(mean)),
    svymean_deff_replace = as.numeric(deff(mean)),
    degf = degf(answer_design),
    svyciprop_beta = unname(attr(beta, "ci")),
    svyciprop_logit = unname(attr(logit, "ci"))
  )
}

out <- list(
  generated_by = "Rscript tests/reference/clustered_reference.R > tests/reference/clustered_reference.json",
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  cases = lapply(cases, reference)
)
cat(toJSON(out, auto_unbox = TRUE, digits = I(17), pretty = TRUE, null = "null", na = "null"), "\n")
