"""Reading language: the orientation model, its lexicon, themes, the analyst's codebook and scoring."""
