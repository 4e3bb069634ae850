// Report page: the print button (the page itself needs no script; print CSS does the layout).
document.getElementById("print-report")?.addEventListener("click", () => window.print());
