"""Routing: predict a matter's first-level category (一级分类) with a confidence.

Model: three TF-IDF blocks, each L2-normalised — character 1–3-grams of the message
(title twice, then the detail), character 1–3-grams of the title alone, and jieba words
of the title alone (the two title blocks weighted 0.7); vocabulary and document
frequencies from the labelled and the unlabelled messages; a linear SVM (LinearSVC,
class-balanced) trained on the labelled messages (self-training and reply-derived
pseudo-labels are implemented but off: both lowered the cross-validated macro-F1). Scores become
probabilities through a softmax with a temperature fitted on out-of-fold scores.
Confidence below the artefact's threshold → ``needs_review=True`` (a person routes it).

The artefact (``data/routing_model.gz``) holds only vocabularies, idf, coefficients and
a few numbers: prediction is pure numpy, so neither Django nor scikit-learn is imported
to route a matter. scikit-learn is imported inside `train` only. Character n-grams are
looked up as integer codes (code points packed into an int64) with a vectorised
`searchsorted` over a whole batch: no per-n-gram Python work.

The prediction half lives in `routing_model`, training and evaluation in `routing_train`;
this module hands on the names of both, so callers import `routing` alone.
"""

from __future__ import annotations

from .routing_model import (
    CATEGORIES,
    DATA_DIR,
    DEFAULT_MODEL_PATH,
    DEFAULT_TRAIN_CSV,
    DEFAULT_TREE_CSV,
    DEFAULT_UNLABELLED_CSV,
    FREE_TEXT_TITLE_CHARS,
    LAST_LOAD_SECONDS,
    PARAMS,
    Doc,
    Routing,
    RoutingModel,
    _char_codes_batch,
    char_code,
    clear_model_cache,
    document,
    load_model,
    message_document,
    read_artefact,
    route,
    route_many,
    save_artefact,
    split_title,
)
from .routing_train import (
    BLOCKS,
    _fit,
    _Tokens,
    _tree_extra,
    auto_figures,
    classification_report,
    fit_and_score,
    read_labelled,
    read_tree,
    read_unlabelled_rows,
    train,
)

# Everything the module offered before it was split in two (the private ones: tests fit and
# encode by hand through them).
__all__ = [
    "_Tokens", "_char_codes_batch", "_fit", "_tree_extra",
    "BLOCKS", "CATEGORIES", "DATA_DIR", "DEFAULT_MODEL_PATH", "DEFAULT_TRAIN_CSV", "DEFAULT_TREE_CSV",
    "DEFAULT_UNLABELLED_CSV", "FREE_TEXT_TITLE_CHARS", "LAST_LOAD_SECONDS", "PARAMS", "Doc", "Routing",
    "RoutingModel", "auto_figures", "char_code", "classification_report", "clear_model_cache", "document",
    "fit_and_score", "load_model", "message_document", "read_artefact", "read_labelled", "read_tree",
    "read_unlabelled_rows", "route", "route_many", "save_artefact", "split_title", "train",
]
