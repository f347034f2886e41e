//! The launch URL: which scenario a package opens, whether the app runs embedded, and the
//! cmi5 launch parameters an LMS appends. Pure parsing over already-decoded query pairs, so
//! it is tested natively.
//!
//! Scheme: `index.html?scenario=ID` opens scenario ID directly (`#/play/ID`); `embed=1`
//! hides the app's own navigation so it fits an iframe. A cmi5 LMS appends `endpoint`,
//! `fetch`, `registration`, `activityId` and `actor` to the launch URL. SCORM packages add
//! `lms=scorm`.

/// The cmi5 launch parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmi5Params {
    /// The LRS endpoint, ending with `/`.
    pub endpoint: String,
    /// The URL to POST once for the session's authorization token.
    pub fetch: String,
    /// The registration (a UUID).
    pub registration: String,
    /// The AU's activity id (an IRI).
    pub activity_id: String,
    /// The learner, as the xAPI Agent JSON the LMS sent.
    pub actor: String,
}

/// What the launch URL asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    /// The scenario to open.
    pub scenario: Option<String>,
    /// Whether to hide the app's own navigation.
    pub embed: bool,
    /// Whether a SCORM package launched the app (`lms=scorm`, which `frontline package`
    /// adds): then a missing SCORM API means that nothing is recorded, and the learner is told.
    pub scorm: bool,
    /// cmi5 parameters, when all five are present.
    pub cmi5: Option<Cmi5Params>,
}

impl Launch {
    /// Reads decoded query pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Launch {
        let mut launch = Launch::default();
        let (mut endpoint, mut fetch, mut registration, mut activity, mut actor) =
            (None, None, None, None, None);
        for (k, v) in pairs {
            let v = v.to_owned();
            match k {
                "scenario"
                    if !v.is_empty()
                        && v.len() <= 64
                        && v.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
                {
                    launch.scenario = Some(v);
                }
                "embed" => launch.embed = v != "0" && v != "false",
                "lms" => launch.scorm = v == "scorm",
                "endpoint" => endpoint = Some(v),
                "fetch" => fetch = Some(v),
                "registration" => registration = Some(v),
                "activityId" => activity = Some(v),
                "actor" => actor = Some(v),
                _ => {}
            }
        }
        if let (
            Some(mut endpoint),
            Some(fetch),
            Some(registration),
            Some(activity_id),
            Some(actor),
        ) = (endpoint, fetch, registration, activity, actor)
        {
            if !endpoint.ends_with('/') {
                endpoint.push('/');
            }
            launch.cmi5 = Some(Cmi5Params {
                endpoint,
                fetch,
                registration,
                activity_id,
                actor,
            });
        }
        launch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_scenario_embed_and_cmi5_parameters() {
        let l = Launch::from_pairs([("scenario", "burnout"), ("embed", "1")]);
        assert_eq!(l.scenario.as_deref(), Some("burnout"));
        assert!(l.embed);
        assert!(!l.scorm);
        assert!(Launch::from_pairs([("lms", "scorm")]).scorm);
        assert!(l.cmi5.is_none());
        let l = Launch::from_pairs([
            ("scenario", "../etc"),
            ("endpoint", "http://lrs.test/xapi"),
            ("fetch", "http://lms.test/fetch?k=1"),
            ("registration", "r"),
            ("activityId", "https://a.test/au"),
            ("actor", "{}"),
        ]);
        assert_eq!(
            l.scenario, None,
            "ids are lower-case letters, digits and dashes"
        );
        let c = l.cmi5.expect("all five parameters");
        assert_eq!(c.endpoint, "http://lrs.test/xapi/");
        assert!(Launch::from_pairs([("endpoint", "x")]).cmi5.is_none());
    }
}
