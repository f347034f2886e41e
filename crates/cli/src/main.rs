//! `frontline`: the command-line tool for scenario authors.
//!
//! `check` prints compiler-style diagnostics, `analyze` reports how a scenario plays under
//! every path (or many random ones), `graph` draws the scene graph, `play` is a small
//! text-mode player, `schema` prints the JSON Schema for editors, `compile` and `ideas` write
//! the scenarios and the idea cards for the web app, and `package` writes an LMS package
//! (SCORM 1.2, SCORM 2004 or cmi5) from the built web bundle. All the work is done by
//! `frontline-engine`; this crate only reads files and formats output.

mod graph;
mod package;
mod play;
mod render;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use frontline_engine::{Loaded, Severity, analysis, format, load};

#[derive(Parser)]
#[command(
    name = "frontline",
    version,
    about = "Check, analyse and play Frontline scenarios"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check scenario files and print every problem with its position
    Check {
        /// Scenario files (.toml)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Treat warnings as errors
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Report endings, probabilities, meter ranges and best and worst paths
    Analyze {
        /// Scenario file
        file: PathBuf,
        /// Random playthroughs when the scenario is too large to enumerate
        #[arg(long, default_value_t = 10_000)]
        runs: u32,
        /// Seed for random playthroughs
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Print the scene graph as Mermaid or Graphviz DOT
    Graph {
        /// Scenario file
        file: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
    },
    /// Play a scenario in the terminal
    Play {
        /// Scenario file
        file: PathBuf,
        /// Seed for chance outcomes (random when left out)
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Print the JSON Schema of the scenario format
    Schema,
    /// Check scenarios and write each one's compiled form (ID.flc) for the web app
    Compile {
        /// Scenario files, or folders of them
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Folder to write to (created if missing)
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the leadership ideas' cards (what each idea says, its source and a question)
    /// as the text file the web app fetches when a card is opened
    Ideas {
        /// File to write (its folder is created if missing)
        #[arg(long)]
        out: PathBuf,
    },
    /// Write an LMS package (zip) of the built web bundle that opens one scenario
    Package(package::Options),
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("frontline: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Check {
            files,
            deny_warnings,
        } => check(&files, deny_warnings),
        Command::Analyze {
            file,
            runs,
            seed,
            json,
        } => {
            let Some(loaded) = load_or_report(&file)? else {
                return Ok(ExitCode::FAILURE);
            };
            let options = analysis::Options {
                runs,
                seed,
                ..analysis::Options::default()
            };
            let report = analysis::analyze(&loaded.scenario, options);
            if json {
                write_out(&(serde_json::to_string_pretty(&report)? + "\n"))?;
            } else {
                write_out(&render::analysis_table(&loaded.scenario, &report))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Graph { file, format } => {
            let Some(loaded) = load_or_report(&file)? else {
                return Ok(ExitCode::FAILURE);
            };
            write_out(&match format {
                GraphFormat::Mermaid => graph::mermaid(&loaded.scenario),
                GraphFormat::Dot => graph::dot(&loaded.scenario),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Play { file, seed } => {
            let Some(loaded) = load_or_report(&file)? else {
                return Ok(ExitCode::FAILURE);
            };
            let seed = seed.unwrap_or_else(play::fresh_seed);
            play::run(loaded.scenario, seed, &mut std::io::stdin().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Compile { inputs, out } => compile(&inputs, &out),
        Command::Ideas { out } => {
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            std::fs::write(&out, frontline_engine::principles::cards_file())
                .with_context(|| format!("cannot write {}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Package(opts) => {
            let n = package::package(&opts)?;
            eprintln!("wrote {} ({n} files)", opts.out_path().display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            write_out(&(serde_json::to_string_pretty(&format::json_schema())? + "\n"))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes to stdout; a reader that stops early (`| head`) is not an error.
fn write_out(text: &str) -> Result<()> {
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// A file's bytes as text, or `None` after printing where it stops being text.
fn text_or_report<'b>(name: &str, bytes: &'b [u8]) -> Option<&'b str> {
    match frontline_engine::load::source_text(name, bytes) {
        Ok(src) => Some(src),
        Err(diag) => {
            // Everything before the bad byte is text, and that is all the excerpt needs.
            let valid = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
            };
            render::diagnostics(valid, std::slice::from_ref(&diag));
            None
        }
    }
}

/// Loads a file, printing its diagnostics; `None` when it has errors.
fn load_or_report(path: &Path) -> Result<Option<Loaded>> {
    let bytes = read(path)?;
    let name = path.display().to_string();
    let Some(src) = text_or_report(&name, &bytes) else {
        return Ok(None);
    };
    match load(&name, src) {
        Ok(loaded) => {
            render::diagnostics(src, &loaded.warnings);
            Ok(Some(loaded))
        }
        Err(diags) => {
            render::diagnostics(src, &diags);
            Ok(None)
        }
    }
}

fn check(files: &[PathBuf], deny_warnings: bool) -> Result<ExitCode> {
    let mut errors = 0;
    let mut warnings = 0;
    // Files that loaded, kept for the checks across the library: (name, source, scenario).
    let mut library: Vec<(String, String, frontline_engine::Scenario)> = Vec::new();
    for path in files {
        let bytes = match read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                anstream::eprintln!("{}: {e:#}", render::error_label());
                errors += 1;
                continue;
            }
        };
        let name = path.display().to_string();
        let Some(src) = text_or_report(&name, &bytes) else {
            errors += 1;
            continue;
        };
        let diags = match load(&name, src) {
            Ok(loaded) => {
                library.push((name.clone(), src.to_owned(), loaded.scenario));
                loaded.warnings
            }
            Err(diags) => diags,
        };
        render::diagnostics(src, &diags);
        count(&diags, &mut errors, &mut warnings);
    }
    if library.len() > 1 {
        let entries: Vec<frontline_engine::library::Entry> = library
            .iter()
            .map(|(file, src, scenario)| frontline_engine::library::Entry {
                file,
                src,
                scenario,
            })
            .collect();
        let found = frontline_engine::library::library_warnings(&entries);
        for ((_, src, _), diags) in library.iter().zip(&found) {
            render::diagnostics(src, diags);
            count(diags, &mut errors, &mut warnings);
        }
    }
    let files_word = if files.len() == 1 { "file" } else { "files" };
    anstream::eprintln!(
        "checked {} {files_word}: {errors} error{}, {warnings} warning{}",
        files.len(),
        plural(errors),
        plural(warnings)
    );
    Ok(if errors > 0 || (deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Adds a file's errors and warnings to the totals.
fn count(diags: &[frontline_engine::Diagnostic], errors: &mut usize, warnings: &mut usize) {
    *errors += diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    *warnings += diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
}

/// Scenario files named directly, plus the `.toml` files inside named folders, sorted.
fn scenario_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .with_context(|| format!("cannot read folder {}", input.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

fn compile(inputs: &[PathBuf], out: &Path) -> Result<ExitCode> {
    let files = scenario_files(inputs)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut ok = true;
    for path in &files {
        match load_or_report(path)? {
            Some(loaded) => {
                let dest = out.join(format!("{}.flc", loaded.scenario.meta.id));
                std::fs::write(&dest, frontline_engine::compiled::compile(&loaded.scenario))
                    .with_context(|| format!("cannot write {}", dest.display()))?;
            }
            None => ok = false,
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
