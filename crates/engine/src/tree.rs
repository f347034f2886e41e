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

/// The deepest path the format has, with room to spare: `scenes[i].choices[c].outcomes[o]
/// .odds[r].weight` is 9 steps.
const PATH_DEPTH: usize = 12;

/// A path through the tree, kept on the stack: the loader makes one for nearly every value
/// it checks, and looks one up only when it has something to report.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Path<'a> {
    segs: [Seg<'a>; PATH_DEPTH],
    len: usize,
}

impl<'a> Path<'a> {
    /// `base` followed by `rest`. Steps beyond [`PATH_DEPTH`] are dropped, so the path then
    /// points at the deepest place it can name.
    pub(crate) fn join(base: &[Seg<'a>], rest: &[Seg<'a>]) -> Self {
        let mut path = Path {
            segs: [Seg::Index(0); PATH_DEPTH],
            len: 0,
        };
        for (slot, seg) in path.segs.iter_mut().zip(base.iter().chain(rest)) {
            *slot = *seg;
            path.len += 1;
        }
        path
    }
}

impl<'a> std::ops::Deref for Path<'a> {
    type Target = [Seg<'a>];

    fn deref(&self) -> &[Seg<'a>] {
        &self.segs[..self.len]
    }
}

/// The parsed file, for finding where things are.
///
/// The loader hands its parsed tree to serde (which consumes it) and keeps only the source;
/// the tree is parsed again the first time a diagnostic needs a position. A file without
/// diagnostics, the common case, is parsed once.
pub(crate) struct Tree<'i> {
    src: &'i str,
    root: std::cell::OnceCell<Spanned<DeTable<'i>>>,
}

impl<'i> Tree<'i> {
    /// A tree for `src`, which must have parsed without syntax errors.
    pub(crate) fn new(src: &'i str) -> Self {
        Tree {
            src,
            root: std::cell::OnceCell::new(),
        }
    }

    fn root(&self) -> &Spanned<DeTable<'i>> {
        // The recoverable parser always returns a tree; for a source that has parsed before,
        // it is the same tree.
        self.root
            .get_or_init(|| DeTable::parse_recoverable(self.src).0)
    }

    /// The span of the value at `path`, or of the deepest part of it that exists.
    pub(crate) fn span(&self, path: &[Seg]) -> Range<usize> {
        self.lookup(path, false)
    }

    /// Like [`Tree::span`], but for a table entry points at the key rather than the value.
    pub(crate) fn key_span(&self, path: &[Seg]) -> Range<usize> {
        self.lookup(path, true)
    }

    fn lookup(&self, path: &[Seg], want_key: bool) -> Range<usize> {
        let root = self.root();
        let mut span = root.span();
        let mut table: Option<&DeTable> = Some(root.get_ref());
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

/// Index of a node in [`SchemaCheck::nodes`].
type NodeId = usize;

/// A schema node reduced to what the check needs, so that checking a value costs no lookups
/// in the JSON Schema's maps. Built once per check from the schema; `$ref`s become the index
/// of their definition's node.
#[derive(Debug)]
struct Node<'s> {
    kind: Kind<'s>,
    /// The author-facing name of the definition this node is, if it is one.
    def_name: Option<&'static str>,
    /// What the node accepts as one of several alternatives, e.g. "a whole number" or
    /// "a table (ending)".
    describe: String,
    /// What the node's type accepts, without the definition's name: "a table".
    plain: &'static str,
}

#[derive(Debug)]
enum Kind<'s> {
    /// No type: anything goes.
    Any,
    /// One of these strings (an `enum`, or a `oneOf` of string `const`s).
    Enum(Vec<&'s str>),
    /// Exactly one live alternative: checked as that node.
    Delegate(NodeId),
    /// Several alternatives, at least one of which must match.
    AnyOf(Vec<NodeId>),
    Object {
        /// Known fields, in the schema's order.
        props: Vec<(&'s str, NodeId)>,
        required: Vec<&'s str>,
        extra: Extra,
    },
    Array(Option<NodeId>),
    String,
    Boolean,
    Number,
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// A type no TOML value has (such as `null`).
    Other,
}

/// What a table accepts beyond its known fields.
#[derive(Debug)]
enum Extra {
    Allowed,
    Denied,
    Schema(NodeId),
}

/// Checks a value against a schema node, reporting every mismatch.
pub(crate) struct SchemaCheck<'s> {
    nodes: Vec<Node<'s>>,
    root: NodeId,
}

/// Builds the nodes of a [`SchemaCheck`].
struct Compiler<'s> {
    defs: &'s Map<String, Value>,
    nodes: Vec<Node<'s>>,
    /// Node of each definition compiled so far, by name.
    def_ids: Vec<(&'s str, NodeId)>,
}

impl<'s> Compiler<'s> {
    /// Compiles a schema node, following a `$ref` to its definition as the check always has
    /// (one level: the definition's own `$ref`, if any, is not followed).
    fn compile(&mut self, schema: &'s Value) -> NodeId {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or(r);
            if let Some((name, def)) = self.defs.get_key_value(name) {
                if let Some(&(_, id)) = self.def_ids.iter().find(|(n, _)| *n == name.as_str()) {
                    return id;
                }
                // Reserve the slot first so that recursive definitions point back at it.
                let id = self.reserve();
                self.def_ids.push((name.as_str(), id));
                self.fill(id, def, Some(human_name(name)));
                return id;
            }
        }
        let id = self.reserve();
        self.fill(id, schema, None);
        id
    }

    fn reserve(&mut self) -> NodeId {
        self.nodes.push(Node {
            kind: Kind::Any,
            def_name: None,
            describe: String::new(),
            plain: "",
        });
        self.nodes.len() - 1
    }

    fn fill(&mut self, id: NodeId, schema: &'s Value, def_name: Option<&'static str>) {
        let ty = schema_type(schema);
        let kind = if let Some(names) = enum_names(schema) {
            // Checked before `oneOf`: schemars writes an enum whose variants have doc
            // comments as a `oneOf` of `const`s, and each of those branches alone accepts
            // any string.
            Kind::Enum(names)
        } else if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            let live: Vec<NodeId> = branches
                .iter()
                .filter(|b| !is_null_type(b))
                .map(|b| self.compile(b))
                .collect();
            match live.as_slice() {
                [only] => Kind::Delegate(*only),
                _ => Kind::AnyOf(live),
            }
        } else {
            match ty {
                None => Kind::Any,
                Some("object") => {
                    let props = schema
                        .get("properties")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                        .map(|(name, prop)| (name.as_str(), self.compile(prop)))
                        .collect();
                    let required = schema
                        .get("required")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    let extra = match schema.get("additionalProperties") {
                        Some(item @ Value::Object(_)) => Extra::Schema(self.compile(item)),
                        Some(Value::Bool(false)) => Extra::Denied,
                        _ => Extra::Allowed,
                    };
                    Kind::Object {
                        props,
                        required,
                        extra,
                    }
                }
                Some("array") => Kind::Array(schema.get("items").map(|i| self.compile(i))),
                Some("string") => Kind::String,
                Some("boolean") => Kind::Boolean,
                Some("number") => Kind::Number,
                Some("integer") => Kind::Integer {
                    min: schema.get("minimum").and_then(Value::as_i64),
                    max: max_of(schema),
                },
                Some(_) => Kind::Other,
            }
        };
        let plain = match ty {
            Some("object") => "a table",
            Some("array") => "a list",
            Some("string") => "text in quotes",
            Some("integer") => "a whole number",
            Some("number") => "a number",
            Some("boolean") => "true or false",
            _ => "something else",
        };
        let describe = match (def_name, ty) {
            (Some(def), Some("object")) => format!("a table ({def})"),
            _ => plain.to_owned(),
        };
        self.nodes[id] = Node {
            kind,
            def_name,
            describe,
            plain,
        };
    }
}

impl<'s> SchemaCheck<'s> {
    /// Prepares a check against `schema`, the root of a JSON Schema with `$defs`.
    pub(crate) fn new(schema: &'s Value) -> Option<Self> {
        let mut compiler = Compiler {
            defs: schema.get("$defs")?.as_object()?,
            nodes: Vec::new(),
            def_ids: Vec::new(),
        };
        let root = compiler.compile(schema);
        Some(SchemaCheck {
            nodes: compiler.nodes,
            root,
        })
    }

    /// Checks the whole document against the root schema.
    pub(crate) fn check_root(&self, root: &Spanned<DeTable>, sink: &mut Sink) {
        self.check_table(
            root.get_ref(),
            root.span(),
            self.root,
            "the top level",
            sink,
        );
    }

    /// Whether `value` matches a node without reporting anything (for `anyOf`).
    fn matches(&self, value: &Spanned<DeValue>, id: NodeId) -> bool {
        // Plain scalars need no probe.
        match (&self.nodes[id].kind, value.get_ref()) {
            (Kind::String, v) => return matches!(v, DeValue::String(_)),
            (Kind::Boolean, v) => return matches!(v, DeValue::Boolean(_)),
            (
                Kind::Integer {
                    min: None,
                    max: None,
                },
                DeValue::Integer(i),
            ) => {
                return i64::from_str_radix(i.as_str(), i.radix()).is_ok();
            }
            (Kind::Integer { .. }, v) if !matches!(v, DeValue::Integer(_)) => return false,
            _ => {}
        }
        let mut probe = Sink::new("", "");
        self.check_value(value, id, "", "", &mut probe);
        !probe.has_errors()
    }

    fn check_value(
        &self,
        value: &Spanned<DeValue>,
        id: NodeId,
        context: &str,
        field: &str,
        sink: &mut Sink,
    ) {
        let node = &self.nodes[id];
        let context = node.def_name.unwrap_or(context);
        let ok = match (&node.kind, value.get_ref()) {
            (Kind::Enum(names), DeValue::String(s)) => {
                if !names.contains(&s.as_ref()) {
                    sink.error(
                        value.span(),
                        format!(
                            "{} must be one of {}, not '{s}'{}",
                            field_name(field),
                            names.join(", "),
                            hint(s, names.iter().copied())
                        ),
                    );
                }
                true
            }
            (Kind::Enum(names), other) => {
                sink.error(
                    value.span(),
                    format!(
                        "{} should be one of {}, not {}",
                        field_name(field),
                        names.join(", "),
                        found(other)
                    ),
                );
                true
            }
            (Kind::Delegate(only), _) => {
                self.check_value(value, *only, context, field, sink);
                true
            }
            (Kind::AnyOf(live), _) => {
                if !live.iter().any(|&b| self.matches(value, b)) {
                    let expected: Vec<&str> = live
                        .iter()
                        .map(|&b| self.nodes[b].describe.as_str())
                        .collect();
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
                true
            }
            (Kind::Object { .. }, DeValue::Table(t)) => {
                self.check_table(t, value.span(), id, context, sink);
                true
            }
            (Kind::Array(items), DeValue::Array(values)) => {
                if let Some(item) = items {
                    for v in values.iter() {
                        self.check_value(v, *item, context, field, sink);
                    }
                }
                true
            }
            (Kind::Any, _)
            | (Kind::String, DeValue::String(_))
            | (Kind::Boolean, DeValue::Boolean(_))
            | (Kind::Number, DeValue::Integer(_) | DeValue::Float(_)) => true,
            (Kind::Integer { min, max }, DeValue::Integer(i)) => {
                let n = i64::from_str_radix(i.as_str(), i.radix()).ok();
                match (n, *min, *max) {
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
            _ => false,
        };
        if !ok {
            sink.error(
                value.span(),
                format!(
                    "{} should be {}, not {}",
                    field_name(field),
                    node.plain,
                    found(value.get_ref())
                ),
            );
        }
    }

    fn check_table(
        &self,
        table: &DeTable,
        span: Range<usize>,
        id: NodeId,
        context: &str,
        sink: &mut Sink,
    ) {
        let Kind::Object {
            props,
            required,
            extra,
        } = &self.nodes[id].kind
        else {
            return;
        };
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            if let Some(&(_, prop)) = props.iter().find(|(p, _)| *p == name) {
                self.check_value(value, prop, context, name, sink);
            } else {
                match extra {
                    Extra::Schema(item) => self.check_value(value, *item, context, name, sink),
                    Extra::Denied => {
                        let known = props.iter().map(|(p, _)| *p);
                        sink.error(
                            key.span(),
                            format!("unknown field '{name}' in {context}{}", hint(name, known)),
                        );
                    }
                    Extra::Allowed => {}
                }
            }
        }
        for req in required {
            if !table.contains_key(*req) {
                // Name the scene, choice, outcome or trigger when it has an id, so that an
                // author can tell which of many `[[scenes]]` headers is meant.
                let id = match table.get("id").map(|v| v.get_ref()) {
                    Some(DeValue::String(id))
                        if matches!(context, "scene" | "choice" | "outcome" | "trigger") =>
                    {
                        format!(" '{id}'")
                    }
                    _ => String::new(),
                };
                sink.error(
                    span.clone(),
                    format!("{context}{id} is missing the required field '{req}'"),
                );
            }
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
        "BandsDef" => "score bands",
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
