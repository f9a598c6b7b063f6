// Completion dashboard: "open all" / "close all" for the agency tree (the tree itself works without script).
document.addEventListener("DOMContentLoaded", () => {
  const nodes = () => document.querySelectorAll(".rk-tree-root details.rk-node");
  document.querySelectorAll("[data-rk-tree]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const open = button.dataset.rkTree === "open";
      nodes().forEach((node) => { node.open = open; });
    });
  });
});
