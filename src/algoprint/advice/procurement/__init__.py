"""Sustainable procurement (Algoritmekader owp-12): requirement sets, questionnaire, evaluation.

* :func:`generate_requirements`: the requirements for a tender (``saas``, ``ai-model``,
  ``custom-development``, ``hosting``) as data, rendered as Markdown, HTML or DOCX-friendly text.
* :func:`write_questionnaire` / :func:`read_answers`: the supplier questionnaire (CSV, JSON,
  XLSX with openpyxl).
* :func:`evaluate_suppliers`: flags and scores suppliers' answers side by side.
"""

from __future__ import annotations

from algoprint.advice.procurement.evaluate import (
    EvaluationResult,
    SupplierEvaluation,
    evaluate_suppliers,
)
from algoprint.advice.procurement.questionnaire import (
    KINDS,
    Question,
    SupplierAnswers,
    questions,
    read_answers,
    write_questionnaire,
)
from algoprint.advice.procurement.requirements import (
    Requirement,
    RequirementSet,
    generate_requirements,
)

__all__ = [
    "KINDS",
    "EvaluationResult",
    "Question",
    "Requirement",
    "RequirementSet",
    "SupplierAnswers",
    "SupplierEvaluation",
    "evaluate_suppliers",
    "generate_requirements",
    "questions",
    "read_answers",
    "write_questionnaire",
]
