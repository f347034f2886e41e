// A page that embeds Frontline and talks to it with postMessage (see docs/lms.md): it keeps
// every message the app posts in window.messages and sends commands with window.send().
const frame = document.getElementById("app");
window.messages = [];
window.addEventListener("message", (event) => {
  if (event.source === frame.contentWindow) window.messages.push(event.data);
});
window.send = (command) => frame.contentWindow.postMessage(command, "*");
frame.src = "/pkg/embed/index.html?embed=1";
