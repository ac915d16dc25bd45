"""One organisation's report: load its context, render the notebook, write the portfolio."""
