// What a page embedding migplan adds (docs/src/embedding.md: the iframe snippet): each planner frame posts
// its content height; the frame that sent it is sized to it.
addEventListener("message", (e) => {
  if (e.data?.type !== "migplan:height") return;
  for (const frame of document.querySelectorAll("iframe")) {
    if (frame.contentWindow === e.source) frame.height = Math.ceil(e.data.height);
  }
});
