// Seal numbers read by the phone's camera where the browser has a built-in barcode reader (BarcodeDetector,
// Chromium on Android); elsewhere the scan buttons stay hidden and the numbers are typed. A scanned code is
// added to the item's seal field, never replacing what was typed, and the item is ticked.
(function () {
  const form = document.querySelector("[data-testid=handover-form]");
  const dialog = document.getElementById("seal-scanner");
  if (!form || !dialog || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const video = document.getElementById("seal-video"), status = document.getElementById("seal-scan-status");
  let stream = null, target = null, timer = null;

  const stop = () => {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    if (dialog.open) dialog.close();
  };
  const add = (input, code) => {
    const seals = input.value.split(/[,\s]+/).filter(Boolean);
    if (!seals.includes(code)) seals.push(code);
    input.value = seals.join(", ");
    const tick = form.querySelector(`input[name=items][value="${CSS.escape(input.dataset.sealFor)}"]`);
    if (tick) tick.checked = true;
  };

  BarcodeDetector.getSupportedFormats().then((formats) => {
    if (!formats.length) return;
    const detector = new BarcodeDetector({ formats });
    form.querySelectorAll("[data-scan]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", async () => {
        target = form.querySelector(`input[name="${CSS.escape(button.dataset.scan)}"]`);
        try {
          stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        } catch (e) { status.textContent = form.dataset.msgCameraOff; dialog.showModal(); return; }
        video.srcObject = stream;
        await video.play();
        status.textContent = "";
        dialog.showModal();
        const look = async () => {
          if (!stream) return;
          const found = await detector.detect(video).catch(() => []);
          if (found.length) { add(target, found[0].rawValue.trim()); stop(); return; }
          status.textContent = form.dataset.msgScanNone;
          timer = setTimeout(look, 300);
        };
        look();
      });
    });
  }).catch(() => {});
  document.getElementById("seal-scan-close").addEventListener("click", stop);
  dialog.addEventListener("close", stop);
})();
