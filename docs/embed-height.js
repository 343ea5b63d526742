// Sizes each embedded planner (an iframe of ../?embed) to the height it posts to its parent.
addEventListener("message", (e) => {
  if (e.data?.type !== "migplan:height") return;
  for (const frame of document.querySelectorAll("iframe.migplan")) {
    if (frame.contentWindow === e.source) frame.height = Math.ceil(e.data.height);
  }
});
