// The inspector's phone page: every visit goes into a queue in localStorage first, then is sent
// in order. A visit leaves the queue only when the server has answered for it; the server
// ignores a client_id it has seen, so a resend after a lost answer never records it twice.
(function () {
  "use strict";
  var root = document.getElementById("inspect");
  if (!root) return;
  var KEY = "ms-inspect-" + root.dataset.campaign;
  var POST = root.dataset.post;
  var form = document.getElementById("visit-form");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var sending = false;

  function queue() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function keep(items) { localStorage.setItem(KEY, JSON.stringify(items)); show(); }
  function show() {
    document.getElementById("queue-count").textContent = String(queue().length);
    var net = document.getElementById("net");
    net.textContent = navigator.onLine ? "在线" : "离线";
    net.className = navigator.onLine ? "online" : "offline";
  }
  function note(text, bad) {
    var li = document.createElement("li");
    li.textContent = text;
    if (bad) li.className = "rejected";
    document.getElementById("results").prepend(li);
  }
  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  // A photo shrunk to at most 1280 px as a JPEG data URL, so the queue stays small.
  function shrink(file) {
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onload = function () {
        var img = new Image();
        img.onload = function () {
          var scale = Math.min(1, 1280 / Math.max(img.width, img.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(img.width * scale);
          canvas.height = Math.round(img.height * scale);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.8));
        };
        img.onerror = function () { resolve(reader.result); };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var outcome = (form.querySelector("input[name=outcome]:checked") || {}).value || "";
    var record = {
      client_id: uid(), target: form.target.value, outcome: outcome, answers: {}, photos: {},
      note: form.note.value, at: new Date().toISOString(),
      label: form.target.options[form.target.selectedIndex].text
    };
    var waits = [], missing = "";
    form.querySelectorAll(".item").forEach(function (box) {
      var id = box.dataset.item;
      var field = box.querySelector("[name='item-" + id + "']:checked") ||
        box.querySelector("select[name='item-" + id + "'], input[type=number], input[type=text]");
      if (field && field.value) record.answers[id] = field.value;
      var file = box.querySelector("input[type=file]").files[0];
      if (file) waits.push(shrink(file).then(function (url) { record.photos[id] = url; }));
      // Checked here too, so a visit the server would refuse is corrected at the door.
      if (outcome === "inspected" && !missing) {
        if (!record.answers[id]) missing = "请回答：" + box.dataset.question;
        else if (box.dataset.photo && !file) missing = "请拍照：" + box.dataset.question;
      }
    });
    var error = document.getElementById("form-error");
    error.hidden = !missing;
    error.textContent = missing;
    if (missing) return;
    Promise.all(waits).then(function () {
      var items = queue();
      items.push(record);
      keep(items);
      form.reset();
      note("已保存：" + record.label);
      flush();
    });
  });

  function flush() {
    show();
    if (sending || !navigator.onLine) return;
    var items = queue();
    if (!items.length) return;
    sending = true;
    var record = items[0];
    fetch(POST, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(record)
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (answer) {
      // Answered: take it off the queue (a refusal is shown, so nothing is dropped unseen).
      keep(queue().filter(function (r) { return r.client_id !== record.client_id; }));
      if (answer.body.ok) {
        var found = (answer.body.hazards || []).map(function (h) { return h.kind + " → " + h.ticket; });
        note("已发送：" + record.label + (found.length ? "；隐患：" + found.join("，") : ""));
      } else {
        note("未被接受：" + record.label + "：" + answer.body.message, true);
      }
      sending = false;
      flush();
    }).catch(function () {
      sending = false;  // the network failed: the record stays queued for the next try
      show();
    });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  setInterval(flush, 15000);
  flush();
})();
