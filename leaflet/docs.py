"""Generates `docs/content-format.md`, the reference of every file format, from `schema`.

Run `python -m leaflet.docs > docs/content-format.md` after changing a schema; a test
checks the committed file is current, so the reference never drifts from the code.
"""

from __future__ import annotations

import inspect
import types
import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from leaflet.sources import schema

SECTIONS: list[tuple[str, str, list[type[BaseModel]]]] = [
    ("Treatment file", "`content/<treatment>/treatment.yaml`", [schema.Treatment]),
    (
        "Document files",
        "`content/<treatment>/<language>/info.yaml`, `consent.yaml`, `aftercare.yaml`, "
        "one folder per language named by its BCP 47 tag (`en-GB`, `pl`, `cy`)",
        [schema.Document, schema.Meta],
    ),
    (
        "Treatment file of a language",
        "`content/<treatment>/<language>/treatment.yaml`, optional",
        [schema.TreatmentLanguage],
    ),
    (
        "Block parts",
        "The mappings used inside blocks.",
        [
            schema.Callout,
            schema.Checklist,
            schema.ItemList,
            schema.Item,
            schema.Fields,
            schema.FormField,
            schema.Signatures,
            schema.Party,
            schema.Timeline,
            schema.Period,
            schema.RecordTable,
            schema.Column,
            schema.Contact,
        ],
    ),
    (
        "Brand file",
        "Any YAML file, passed with `--brand`; paths in it are relative to it.",
        [
            schema.Brand,
            schema.Clinic,
            schema.ClinicWording,
            schema.Colours,
            schema.CmykColours,
            schema.Fonts,
            schema.EmailSettings,
        ],
    ),
    (
        "Strings files",
        "`leaflet/resources/strings/<language>.yaml` (shipped) and, for a clinic's own "
        "words, `<content folder>/strings/<language>.yaml` holding only the keys it "
        "changes. Values in braces are filled in; `**bold**` works except in the footer.",
        [
            schema.Strings,
            schema.AboutStrings,
            schema.FooterStrings,
            schema.PersonalStrings,
            schema.ContactStrings,
            schema.FormStrings,
            schema.AttachmentsStrings,
            schema.AttachmentStrings,
        ],
    ),
    ("Layout files", "`layouts/<name>.yaml`", [schema.Layout, schema.Box, schema.StyleSpec]),
    (
        "Workspace file",
        "`leaflet.yaml` in a clinic's folder, made by `leaflet init`",
        [schema.Workspace, schema.ExportSettings],
    ),
]


def type_name(annotation: typing.Any) -> str:
    """A short, readable name for a field's type."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [type_name(a) for a in args if a is not type(None)]
        optional = " (optional)" if type(None) in args else ""
        return " or ".join(dict.fromkeys(names)) + optional
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"mapping of {type_name(args[0])} to {type_name(args[1])}"
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return {str: "text", int: "whole number", float: "number", bool: "true/false"}.get(
        annotation, getattr(annotation, "__name__", str(annotation))
    )


def model_table(model: type[BaseModel]) -> list[str]:
    doc = inspect.cleandoc(model.__doc__ or "")
    lines = [
        f"### {model.__name__}",
        "",
        doc,
        "",
        "| field | type | default | description |",
        "|---|---|---|---|",
    ]
    for name, field in model.model_fields.items():
        if field.is_required():
            default = "required"
        elif field.default_factory is not None:
            default = "empty"
        elif field.default is None or field.default is PydanticUndefined:
            default = "none"
        else:
            default = f"`{field.default}`"
        description = (field.description or "").replace("|", "\\|")
        kind = (
            "list of blocks (see Blocks)"
            if model is schema.Document and name == "blocks"
            else type_name(field.annotation)
        )
        lines.append(f"| `{name}` | {kind} | {default} | {description} |")
    return [*lines, ""]


def render() -> str:
    """The whole reference as Markdown."""
    out = [
        "# Content, brand and layout file reference",
        "",
        "Generated from `leaflet/sources/schema/` by `python -m leaflet.docs`; do not edit it.",
        "Unknown fields are errors. Text fields in blocks are Jinja2 templates (see the README",
        "for the variables) and may use `**bold**`.",
        "",
    ]
    for title, intro, models in SECTIONS:
        out += [f"## {title}", "", intro, ""]
        for model in models:
            out += model_table(model)
        if models[0] is schema.Document:
            out += [
                "### Blocks",
                "",
                "`blocks:` is a list; each block is a mapping with exactly one of these keys.",
                "",
                "| block | value | what it is |",
                "|---|---|---|",
            ]
            for name, block in schema.BLOCK_TYPES.items():
                field = block.model_fields[name]
                out.append(f"| `{name}` | {type_name(field.annotation)} | {field.description} |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
