//! The parsed TOML tree with positions, and the structural check against the JSON Schema.
//!
//! The loader parses a file once into toml's spanned tree. This module (1) checks that tree
//! against the schema generated from [`crate::format`], reporting every unknown field (with a
//! "did you mean"), missing field and wrong type at once, and (2) answers "where in the file is
//! `scenes[3].choices[1].goto`?" for the semantic checks that run after deserialization. It
//! knows nothing about what the fields mean.

use std::ops::Range;

use serde_json::{Map, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Sink, hint};

/// One step in a path through the tree.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The parsed file.
pub(crate) struct Tree<'i> {
    pub(crate) root: Spanned<DeTable<'i>>,
}

impl<'i> Tree<'i> {
    /// The span of the value at `path`, or of the deepest part of it that exists.
    pub(crate) fn span(&self, path: &[Seg]) -> Range<usize> {
        self.lookup(path, false)
    }

    /// Like [`Tree::span`], but for a table entry points at the key rather than the value.
    pub(crate) fn key_span(&self, path: &[Seg]) -> Range<usize> {
        self.lookup(path, true)
    }

    fn lookup(&self, path: &[Seg], want_key: bool) -> Range<usize> {
        let mut span = self.root.span();
        let mut table: Option<&DeTable> = Some(self.root.get_ref());
        let mut array: Option<&[Spanned<DeValue>]> = None;
        for (i, seg) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let next = match (seg, table, array) {
                (Seg::Key(k), Some(t), _) => t.get_key_value(*k).map(|(key, v)| {
                    if last && want_key {
                        span = key.span();
                    } else {
                        span = v.span();
                    }
                    v
                }),
                (Seg::Index(n), _, Some(a)) => a.get(*n).inspect(|v| span = v.span()),
                _ => None,
            };
            let Some(v) = next else { break };
            table = None;
            array = None;
            match v.get_ref() {
                DeValue::Table(t) => table = Some(t),
                DeValue::Array(a) => array = Some(a),
                _ => {}
            }
        }
        span
    }
}

/// The tree as JSON, for deserializing with serde_json. Dates become strings (the format
/// has none, and the schema check has already rejected them).
pub(crate) fn to_json(table: &DeTable) -> Value {
    Value::Object(
        table
            .iter()
            .map(|(k, v)| (k.get_ref().to_string(), value_to_json(v.get_ref())))
            .collect(),
    )
}

fn value_to_json(value: &DeValue) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map_or(Value::Null, |n| Value::Number(n.into())),
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => {
            Value::Array(items.iter().map(|v| value_to_json(v.get_ref())).collect())
        }
        DeValue::Table(t) => to_json(t),
    }
}

/// Checks a value against a schema node, reporting every mismatch.
pub(crate) struct SchemaCheck<'s> {
    defs: &'s Map<String, Value>,
}

impl<'s> SchemaCheck<'s> {
    pub(crate) fn new(schema: &'s Value) -> Option<Self> {
        Some(SchemaCheck {
            defs: schema.get("$defs")?.as_object()?,
        })
    }

    /// Checks the whole document against the root schema.
    pub(crate) fn check_root(&self, root: &Spanned<DeTable>, schema: &Value, sink: &mut Sink) {
        self.check_table(
            root.get_ref(),
            root.span(),
            schema,
            "the top level",
            "",
            sink,
        );
    }

    /// Follows `$ref` to a definition, returning it and its human name.
    fn resolve<'a>(&'a self, schema: &'a Value) -> (&'a Value, Option<&'static str>)
    where
        's: 'a,
    {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or(r);
            if let Some(def) = self.defs.get(name) {
                return (def, Some(human_name(name)));
            }
        }
        (schema, None)
    }

    /// Whether `value` matches `schema` without reporting anything (for `anyOf`).
    fn matches(&self, value: &Spanned<DeValue>, schema: &Value) -> bool {
        let mut probe = Sink::new("", "");
        self.check_value(value, schema, "", "", &mut probe);
        !probe.has_errors()
    }

    fn check_value(
        &self,
        value: &Spanned<DeValue>,
        schema: &Value,
        context: &str,
        field: &str,
        sink: &mut Sink,
    ) {
        let (schema, def_name) = self.resolve(schema);
        let context = def_name.unwrap_or(context);
        // Checked before `oneOf`: schemars writes an enum whose variants have doc comments as
        // a `oneOf` of `const`s, and each of those branches alone accepts any string.
        if let Some(names) = enum_names(schema) {
            match value.get_ref() {
                DeValue::String(s) if names.contains(&s.as_ref()) => {}
                DeValue::String(s) => sink.error(
                    value.span(),
                    format!(
                        "{} must be one of {}, not '{s}'{}",
                        field_name(field),
                        names.join(", "),
                        hint(s, names.iter().copied())
                    ),
                ),
                other => sink.error(
                    value.span(),
                    format!(
                        "{} should be one of {}, not {}",
                        field_name(field),
                        names.join(", "),
                        found(other)
                    ),
                ),
            }
            return;
        }
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            let live: Vec<&Value> = branches.iter().filter(|b| !is_null_type(b)).collect();
            if live.len() == 1 {
                return self.check_value(value, live[0], context, field, sink);
            }
            if !live.iter().any(|b| self.matches(value, b)) {
                let expected: Vec<String> = live.iter().map(|b| self.describe(b)).collect();
                sink.error(
                    value.span(),
                    format!(
                        "{} should be {}, not {}",
                        field_name(field),
                        expected.join(" or "),
                        found(value.get_ref())
                    ),
                );
            }
            return;
        }
        let ty = schema_type(schema);
        let ok = match (ty, value.get_ref()) {
            (Some("object"), DeValue::Table(t)) => {
                self.check_table(t, value.span(), schema, context, field, sink);
                true
            }
            (Some("array"), DeValue::Array(items)) => {
                if let Some(item_schema) = schema.get("items") {
                    for item in items.iter() {
                        self.check_value(item, item_schema, context, field, sink);
                    }
                }
                true
            }
            (Some("string"), DeValue::String(_)) => true,
            (Some("boolean"), DeValue::Boolean(_)) => true,
            (Some("number"), DeValue::Integer(_) | DeValue::Float(_)) => true,
            (Some("integer"), DeValue::Integer(i)) => {
                let n = i64::from_str_radix(i.as_str(), i.radix()).ok();
                let min = schema.get("minimum").and_then(Value::as_i64);
                match (n, min, max_of(schema)) {
                    (None, _, _) => {
                        sink.error(value.span(), format!("{} is too large", field_name(field)))
                    }
                    (Some(n), Some(min), _) if n < min => sink.error(
                        value.span(),
                        format!("{} must be {min} or more, not {n}", field_name(field)),
                    ),
                    (Some(n), _, Some(max)) if n > max => sink.error(
                        value.span(),
                        format!("{} must be {max} or less, not {n}", field_name(field)),
                    ),
                    _ => {}
                }
                true
            }
            (None, _) => true,
            _ => false,
        };
        if !ok {
            sink.error(
                value.span(),
                format!(
                    "{} should be {}, not {}",
                    field_name(field),
                    self.describe(schema),
                    found(value.get_ref())
                ),
            );
        }
    }

    fn check_table(
        &self,
        table: &DeTable,
        span: Range<usize>,
        schema: &Value,
        context: &str,
        _field: &str,
        sink: &mut Sink,
    ) {
        let props = schema.get("properties").and_then(Value::as_object);
        let extra = schema.get("additionalProperties");
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            if let Some(prop) = props.and_then(|p| p.get(name)) {
                self.check_value(value, prop, context, name, sink);
            } else {
                match extra {
                    Some(Value::Object(item_schema)) => {
                        let item_schema = Value::Object(item_schema.clone());
                        let (_, def) = self.resolve(&item_schema);
                        self.check_value(value, &item_schema, def.unwrap_or(context), name, sink);
                    }
                    Some(Value::Bool(false)) => {
                        let known = props.into_iter().flat_map(|p| p.keys().map(String::as_str));
                        sink.error(
                            key.span(),
                            format!("unknown field '{name}' in {context}{}", hint(name, known)),
                        );
                    }
                    _ => {}
                }
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            // Name the scene, choice, outcome or trigger when it has an id, so that an author
            // can tell which of many `[[scenes]]` headers is meant.
            let id = match table.get("id").map(|v| v.get_ref()) {
                Some(DeValue::String(id))
                    if matches!(context, "scene" | "choice" | "outcome" | "trigger") =>
                {
                    format!(" '{id}'")
                }
                _ => String::new(),
            };
            for req in required.iter().filter_map(Value::as_str) {
                if !table.contains_key(req) {
                    sink.error(
                        span.clone(),
                        format!("{context}{id} is missing the required field '{req}'"),
                    );
                }
            }
        }
    }

    /// A short description of what a schema accepts, e.g. "a whole number".
    fn describe(&self, schema: &Value) -> String {
        let (schema, def) = self.resolve(schema);
        if let Some(def) = def
            && schema_type(schema) == Some("object")
        {
            return format!("a table ({def})");
        }
        match schema_type(schema) {
            Some("object") => "a table".into(),
            Some("array") => "a list".into(),
            Some("string") => "text in quotes".into(),
            Some("integer") => "a whole number".into(),
            Some("number") => "a number".into(),
            Some("boolean") => "true or false".into(),
            _ => "something else".into(),
        }
    }
}

/// The largest value an integer schema allows: its `maximum`, or the top of the Rust type
/// schemars names in `format` (it writes a `minimum` for unsigned types but no `maximum`).
fn max_of(schema: &Value) -> Option<i64> {
    if let Some(max) = schema.get("maximum").and_then(Value::as_i64) {
        return Some(max);
    }
    match schema.get("format").and_then(Value::as_str)? {
        "uint8" => Some(u8::MAX.into()),
        "int8" => Some(i8::MAX.into()),
        "uint16" => Some(u16::MAX.into()),
        "int16" => Some(i16::MAX.into()),
        "uint32" | "uint" => Some(u32::MAX.into()),
        "int32" => Some(i32::MAX.into()),
        _ => None,
    }
}

/// The accepted strings of an enumeration: an `enum` list, or a `oneOf`/`anyOf` whose every
/// branch is a string `const`.
fn enum_names(schema: &Value) -> Option<Vec<&str>> {
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        return Some(options.iter().filter_map(Value::as_str).collect());
    }
    let branches = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)?;
    let names: Vec<&str> = branches
        .iter()
        .map(|b| b.get("const").and_then(Value::as_str))
        .collect::<Option<_>>()?;
    (!names.is_empty()).then_some(names)
}

fn is_null_type(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// The first non-null type of a schema node.
fn schema_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(s) => Some(s),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

fn field_name(field: &str) -> String {
    if field.is_empty() {
        "this value".into()
    } else {
        format!("'{field}'")
    }
}

fn found(value: &DeValue) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// Author-facing names of the format's types.
fn human_name(def: &str) -> &'static str {
    match def {
        "Metadata" => "[scenario]",
        "Credit" => "credit",
        "CastMember" => "cast member",
        "MeterDef" => "meter",
        "ScoringDef" => "[scoring]",
        "SceneDef" => "scene",
        "VariantDef" => "variant",
        "ChoiceDef" => "choice",
        "OutcomeDef" => "outcome",
        "OddsDef" => "odds rule",
        "EndingDef" => "ending",
        "TriggerDef" => "trigger",
        "EffectDef" => "effect",
        "GoodDirection" => "direction",
        "Rating" => "rating",
        _ => "table",
    }
}
