// A minimal LMS page for the tests: scorm-again's runtime as window.API (SCORM 1.2) or
// window.API_1484_11 (SCORM 2004), the package's SCO in an iframe, and the LMS's "database"
// in this page's localStorage, so that a reload hands the stored data back (cmi.entry =
// resume) the way an LMS does on the learner's next visit.
//
// Query: version=12|2004, pkg=NAME (served under /pkg/NAME/), launch=the manifest's href
// plus parameters, fail=commit (make every commit fail until window.host.stopFailing()),
// mastery=0..1 (the LMS's pass mark: cmi.student_data.mastery_score in 1.2, as 0-100, and
// cmi.scaled_passing_score in 2004), mode=review|browse (cmi.core.lesson_mode / cmi.mode),
// refuse=PREFIX:CODE,... (an LMS variant: every SetValue of an element starting with PREFIX,
// and GetValue of its _children and _count, fails with that error code, the way an LMS
// answers for an optional element it does not implement or a value it will never take).
// nest=N (the SCO N frames further down). window.host.sets lists every SetValue the SCO
// made, [element, value].
const params = new URLSearchParams(location.search);
const version = params.get("version") === "2004" ? "2004" : "12";
const pkg = params.get("pkg");
const launch = params.get("launch");
const key = `lms-host-${pkg}`;

const settings = { autocommit: false, lmsCommitUrl: false, logLevel: 5 };
const api = version === "2004" ? new window.Scorm2004API(settings) : new window.Scorm12API(settings);

const host = {
  version,
  commits: 0,
  finishes: 0,
  failing: params.get("fail") === "commit",
  failedCommits: 0,
  sets: [],
  navRequest: null,
  cmi: () => JSON.parse(JSON.stringify(api.renderCMIToJSONObject())).cmi,
  stopFailing() {
    this.failing = false;
  },
};
window.host = host;

// What the LMS stored at the last commit becomes what it hands back on the next launch.
const stored = JSON.parse(localStorage.getItem(key) ?? "null");
if (stored) {
  if (version === "12") {
    const core = stored.core ?? {};
    api.loadFromJSON({
      core: {
        entry: core.exit === "suspend" ? "resume" : "",
        lesson_status: core.lesson_status,
        lesson_location: core.lesson_location,
      },
      suspend_data: core.exit === "suspend" ? stored.suspend_data : "",
    }, "");
  } else {
    api.loadFromJSON({
      entry: stored.exit === "suspend" ? "resume" : "",
      completion_status: stored.completion_status,
      location: stored.location,
      suspend_data: stored.exit === "suspend" ? stored.suspend_data : "",
    }, "");
  }
}

// The pass mark the LMS hands over, read-only for the SCO.
const mastery = params.get("mastery");
if (mastery !== null) {
  if (version === "12") {
    api.loadFromJSON({ student_data: { mastery_score: String(Math.round(Number(mastery) * 100)) } }, "");
  } else {
    api.loadFromJSON({ scaled_passing_score: mastery }, "");
  }
}

// The launch mode, read-only for the SCO.
const mode = params.get("mode");
if (mode) {
  api.loadFromJSON(version === "12" ? { core: { lesson_mode: mode } } : { mode }, "");
}

const refusals = (params.get("refuse") ?? "")
  .split(",")
  .filter(Boolean)
  .map((r) => r.split(":"));
const refusal = (element) => refusals.find(([prefix]) => element.startsWith(prefix))?.[1];
const [getName, setName] = version === "12" ? ["LMSGetValue", "LMSSetValue"] : ["GetValue", "SetValue"];
const realGet = api[getName].bind(api);
api[getName] = (element) => {
  const code = /\._(children|count)$/.test(element) ? refusal(element) : undefined;
  const value = realGet(element);
  if (code) {
    api.lastErrorCode = code;
    return "";
  }
  return value;
};
const realSet = api[setName].bind(api);
api[setName] = (element, value) => {
  host.sets.push([element, value]);
  const code = refusal(element);
  if (code) {
    api.lastErrorCode = code;
    return "false";
  }
  return realSet(element, value);
};

const persist = () => localStorage.setItem(key, JSON.stringify(host.cmi()));
const commitName = version === "12" ? "LMSCommit" : "Commit";
const finishName = version === "12" ? "LMSFinish" : "Terminate";
const realCommit = api[commitName].bind(api);
api[commitName] = (arg) => {
  if (host.failing) {
    host.failedCommits += 1;
    api.lastErrorCode = version === "12" ? "101" : "391";
    return "false";
  }
  const result = realCommit(arg);
  if (result === "true") {
    host.commits += 1;
    persist();
  }
  return result;
};
const realFinish = api[finishName].bind(api);
api[finishName] = (arg) => {
  if (version === "2004") {
    host.navRequest = api.adl?.nav?.request ?? null;
    localStorage.setItem(`${key}-nav`, String(host.navRequest));
  }
  const result = realFinish(arg);
  host.finishes += 1;
  persist();
  // Kept across reloads, so a test can see that the page it left finished the session.
  localStorage.setItem(`${key}-finishes`, String(Number(localStorage.getItem(`${key}-finishes`) ?? 0) + 1));
  return result;
};

if (version === "12") {
  window.API = api;
} else {
  window.API_1484_11 = api;
}
// nest=N puts the SCO N frames below this page (see nest.html).
const nest = Number(params.get("nest") ?? 0);
const sco = `/pkg/${pkg}/${launch}`;
document.getElementById("sco").src = nest > 0 ? `/host/nest.html?depth=${nest}&src=${encodeURIComponent(sco)}` : sco;
