//! `frontline package` end to end: a small bundle is packaged in each format, then the zip
//! is opened and its manifest parsed and checked against the files actually in the zip. The
//! checks are the ones the official XSDs miss: `adlcp:scormtype` (1.2) against
//! `adlcp:scormType` (2004), the schemaversion, relative paths, every file listed once.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::Reader;
use quick_xml::events::Event;

const INDEX: &str = r#"<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; connect-src 'self' https:; object-src 'none'" /><link rel="modulepreload" href="./frontline-web.js" /><link rel="preload" href="./frontline-web_bg.wasm" as="fetch" /></head><body></body></html>"#;

/// A fresh bundle folder with an index, scripts, a nested folder and one compiled scenario.
fn bundle(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("frontline-package-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("scenarios")).expect("temp dir");
    fs::write(dir.join("index.html"), INDEX).expect("write");
    fs::write(dir.join("frontline-web.js"), "export default 1;").expect("write");
    fs::write(dir.join("frontline-web_bg.wasm"), [0u8, 97, 115, 109]).expect("write");
    fs::create_dir_all(dir.join("embedded")).expect("temp dir");
    fs::write(
        dir.join("embedded/frontline-embedded.js"),
        "export default 2;",
    )
    .expect("write");
    fs::write(
        dir.join("embedded/frontline-embedded_bg.wasm"),
        [0u8, 97, 115, 109],
    )
    .expect("write");
    fs::write(dir.join("main & co.css"), "body{}").expect("write");
    let src = include_str!("../../../scenarios/stretch-target.toml");
    let loaded = frontline_engine::load("stretch-target.toml", src).expect("bundled scenario");
    fs::write(
        dir.join("scenarios/stretch-target.flc"),
        frontline_engine::compiled::compile(&loaded.scenario),
    )
    .expect("write");
    dir
}

fn run_package(dist: &Path, format: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args([
            "package",
            "--format",
            format,
            "--scenario",
            "stretch-target",
            "--dist",
        ])
        .arg(dist)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("the command runs")
}

/// The zip's entries and their contents.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).expect("zip written")).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("entry reads");
            (f.name().expect("a UTF-8 name").into_owned(), data)
        })
        .collect()
}

/// Elements of a manifest as (name, attributes), in document order.
fn elements(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader
            .read_event()
            .expect("the manifest is well-formed XML")
        {
            Event::Start(e) | Event::Empty(e) => {
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("attribute");
                        (
                            a.key.as_ref().to_owned(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .expect("attribute value")
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push((e.name().as_ref().to_owned(), attrs));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn attr<'a>(el: &'a (String, Vec<(String, String)>), name: &str) -> Option<&'a str> {
    el.1.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn text_of(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..start + end].to_owned())
}

fn check_scorm(format: &str, scorm_type: &str, wrong_type: &str, schemaversion: &str) {
    let dist = bundle(format);
    let out = dist.with_extension("zip");
    let output = run_package(&dist, format, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let entries = unzip(&out);
    let names: BTreeSet<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(entries.len(), names.len(), "no duplicate entries");
    for n in &names {
        assert!(
            !n.starts_with('/') && !n.contains('\\') && !n.contains(".."),
            "relative path: {n}"
        );
    }
    let manifest = entries
        .iter()
        .find(|(n, _)| n == "imsmanifest.xml")
        .map(|(_, d)| String::from_utf8(d.clone()).expect("UTF-8"))
        .expect("imsmanifest.xml at the root");
    assert_eq!(
        text_of(&manifest, "schemaversion").as_deref(),
        Some(schemaversion)
    );
    assert_eq!(text_of(&manifest, "schema").as_deref(), Some("ADL SCORM"));
    let els = elements(&manifest);
    let resources: Vec<_> = els.iter().filter(|e| e.0 == "resource").collect();
    assert_eq!(resources.len(), 1, "one SCO");
    let sco = resources[0];
    assert_eq!(attr(sco, scorm_type), Some("sco"));
    assert_eq!(
        attr(sco, wrong_type),
        None,
        "{wrong_type} is the other version's spelling"
    );
    let href = attr(sco, "href").expect("a launch href");
    assert!(names.contains(href), "the launch file {href} is in the zip");
    let item = els.iter().find(|e| e.0 == "item").expect("an item");
    assert_eq!(attr(item, "identifierref"), attr(sco, "identifier"));
    assert_eq!(
        attr(item, "parameters"),
        Some("?scenario=stretch-target&embed=1&lms=scorm")
    );
    // The schema files the manifest names are at the root, beside it.
    let manifest_el = els.iter().find(|e| e.0 == "manifest").expect("a manifest");
    let locations: Vec<&str> = attr(manifest_el, "xsi:schemaLocation")
        .expect("schemaLocation")
        .split_whitespace()
        .collect();
    assert_eq!(locations.len() % 2, 0);
    for pair in locations.chunks(2) {
        let (namespace, file) = (pair[0], pair[1]);
        let xsd = entries
            .iter()
            .find(|(n, _)| n == file)
            .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_else(|| panic!("{file} is in the package"));
        assert!(
            xsd.contains(namespace),
            "{file} is the schema of {namespace}"
        );
    }
    let listed: BTreeSet<&str> = els
        .iter()
        .filter(|e| e.0 == "file")
        .map(|e| attr(e, "href").expect("file href"))
        .collect();
    let packaged: BTreeSet<&str> = names
        .iter()
        .copied()
        .filter(|n| *n != "imsmanifest.xml" && !n.ends_with(".xsd") && !n.ends_with(".dtd"))
        .collect();
    assert_eq!(
        listed, packaged,
        "the manifest lists exactly the files in the zip"
    );
    assert!(
        listed.contains("main & co.css"),
        "names are escaped, not dropped"
    );
    let _ = fs::remove_dir_all(&dist);
    let _ = fs::remove_file(&out);
}

#[test]
fn scorm12_manifest_lists_every_file() {
    check_scorm("scorm12", "adlcp:scormtype", "adlcp:scormType", "1.2");
}

#[test]
fn scorm2004_manifest_lists_every_file() {
    check_scorm(
        "scorm2004",
        "adlcp:scormType",
        "adlcp:scormtype",
        "2004 4th Edition",
    );
}

#[test]
fn cmi5_course_structure_names_the_au_and_opens_the_lrs() {
    let dist = bundle("cmi5");
    let out = dist.with_extension("zip");
    let output = run_package(
        &dist,
        "cmi5",
        &out,
        &["--lrs-origin", "http://127.0.0.1:8193"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let entries = unzip(&out);
    let xml = entries
        .iter()
        .find(|(n, _)| n == "cmi5.xml")
        .map(|(_, d)| String::from_utf8(d.clone()).expect("UTF-8"))
        .expect("cmi5.xml at the root");
    let els = elements(&xml);
    let au = els.iter().find(|e| e.0 == "au").expect("one AU");
    assert_eq!(attr(au, "moveOn"), Some("Passed"));
    // The pass rating is solid by default, whose band starts at 65.
    assert_eq!(attr(au, "masteryScore"), Some("0.65"));
    assert_eq!(
        text_of(&xml, "url").as_deref(),
        Some("index.html?scenario=stretch-target&amp;embed=1")
    );
    let index = entries
        .iter()
        .find(|(n, _)| n == "index.html")
        .expect("index.html");
    let index = String::from_utf8_lossy(&index.1);
    // Only the LRS: the bundle's `https:` (for links to scenario files) is not kept.
    assert!(
        index.contains("connect-src 'self' http://127.0.0.1:8193;"),
        "{index}"
    );
    // An LMS launch runs the embedded module, so that is what the page preloads.
    assert!(
        index.contains(r#"href="./embedded/frontline-embedded.js""#)
            && index.contains(r#"href="./embedded/frontline-embedded_bg.wasm""#)
            && !index.contains("frontline-web"),
        "{index}"
    );
    assert!(!entries.iter().any(|(n, _)| n.ends_with(".xsd")));
    let _ = fs::remove_dir_all(&dist);
    let _ = fs::remove_file(&out);
}

#[test]
fn a_missing_scenario_or_bundle_is_a_clear_error() {
    let dist = bundle("missing");
    let out = dist.with_extension("zip");
    let output = Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args([
            "package",
            "--format",
            "scorm12",
            "--scenario",
            "nope",
            "--dist",
        ])
        .arg(&dist)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("there is no scenario 'nope'"), "{err}");
    let output = run_package(&dist.join("nowhere"), "scorm12", &out, &[]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("has no index.html: build the bundle first"),
        "{err}"
    );
    fs::remove_dir_all(dist.join("embedded")).expect("remove");
    let output = run_package(&dist, "scorm12", &out, &[]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("has no embedded/frontline-embedded.js, the module an LMS launch runs"),
        "{err}"
    );
    assert!(!out.exists());
    let _ = fs::remove_dir_all(&dist);
}
