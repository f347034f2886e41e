// A frame inside a frame, as some LMSs wrap their SCOs: nest.html?depth=N&src=URL frames
// itself N - 1 more times, then URL.
const params = new URLSearchParams(location.search);
const depth = Number(params.get("depth") ?? 0);
const src = params.get("src");
document.getElementById("inner").src = depth > 1 ? `nest.html?depth=${depth - 1}&src=${encodeURIComponent(src)}` : src;
