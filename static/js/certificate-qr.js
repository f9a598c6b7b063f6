// The certificate's QR, drawn on the signer's phone from the verify URL the page carries in data-qr.
// Drawing it on the server cost ~6 ms of CPU per signer, at the one moment 5,000 phones ask at once.
import { correction, generate } from "../vendor/lean-qr/index.mjs";

const WHITE = [255, 255, 255, 255];
const BLACK = [0, 0, 0, 255];

for (const holder of document.querySelectorAll("[data-qr]")) {
  const canvas = document.createElement("canvas");
  generate(holder.dataset.qr, { minCorrectionLevel: correction.M }).toCanvas(canvas, { on: BLACK, off: WHITE, pad: 4 });
  canvas.className = "qr-code";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", holder.dataset.qrLabel || "QR");
  holder.replaceChildren(canvas);
}
