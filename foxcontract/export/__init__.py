"""Exporting contracts to other tools' formats: an OpenAPI 3.1 document."""

from foxcontract.export.openapi import openapi_document
from foxcontract.export.rules import exact, request_schema

__all__ = ["exact", "openapi_document", "request_schema"]
