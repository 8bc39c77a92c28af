/* Remote video pre-review: WebRTC between the resident's and the clerk's browsers; the
   platform's own page stores the offer and the answer (each with its ICE candidates) and the
   other side polls for them. The resident offers, the clerk answers; a new offer (the resident
   reloaded) starts the call over. Status elements show the connection and the media received. */
(function () {
  "use strict";
  var box = document.getElementById("call");
  if (!box) { return; }
  var role = box.dataset.role;
  var url = box.dataset.signal;
  var csrf = box.dataset.csrf;
  var iceServers = [];
  try { iceServers = JSON.parse(box.dataset.ice || "[]"); } catch (e) { iceServers = []; }
  var stateEl = document.getElementById("call-state");
  var videoEl = document.getElementById("call-video");
  var bytesEl = document.getElementById("call-bytes");
  var errorEl = document.getElementById("call-error");
  var remote = document.getElementById("remote");
  var localVideo = document.getElementById("local");
  var LABELS = {
    "new": "准备中", "connecting": "连接中", "connected": "已连接",
    "disconnected": "已断开", "failed": "连接失败", "closed": "已结束", "waiting": "等待对方"
  };
  var pc = null;
  var stream = null;
  var last = 0;
  var busy = false;
  var finished = false;

  function setState(value) {
    stateEl.dataset.state = value;
    stateEl.textContent = LABELS[value] || value;
  }

  function send(kind, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ kind: kind, data: data })
    });
  }

  function gathered(peer) {
    return new Promise(function (resolve) {
      if (peer.iceGatheringState === "complete") { resolve(); return; }
      var timer = setTimeout(resolve, 4000);
      peer.addEventListener("icegatheringstatechange", function () {
        if (peer.iceGatheringState === "complete") { clearTimeout(timer); resolve(); }
      });
    });
  }

  function fresh() {
    if (pc) { pc.close(); }
    pc = new RTCPeerConnection({ iceServers: iceServers });
    stream.getTracks().forEach(function (track) { pc.addTrack(track, stream); });
    pc.addEventListener("track", function (event) { remote.srcObject = event.streams[0]; });
    pc.addEventListener("connectionstatechange", function () { setState(pc.connectionState); });
    return pc;
  }

  async function offer() {
    var peer = fresh();
    await peer.setLocalDescription(await peer.createOffer());
    await gathered(peer);
    await send("offer", { type: "offer", sdp: peer.localDescription.sdp });
    setState("waiting");
  }

  async function handle(message) {
    if (message.kind === "offer" && role === "clerk") {
      var peer = fresh();
      await peer.setRemoteDescription(message.data);
      await peer.setLocalDescription(await peer.createAnswer());
      await gathered(peer);
      await send("answer", { type: "answer", sdp: peer.localDescription.sdp });
    } else if (message.kind === "answer" && role === "resident" && pc &&
               pc.signalingState === "have-local-offer") {
      await pc.setRemoteDescription(message.data);
    } else if (message.kind === "bye" && pc) {
      pc.close();
      setState("closed");
    }
  }

  async function poll() {
    if (busy || finished) { return; }
    busy = true;
    try {
      var response = await fetch(url + "?after=" + last, { credentials: "same-origin" });
      var body = await response.json();
      finished = Boolean(body.finished);
      for (var i = 0; i < body.messages.length; i++) {
        last = body.messages[i].id;
        await handle(body.messages[i]);
      }
    } catch (error) {
      errorEl.textContent = "信令出错：" + error;
    } finally {
      busy = false;
    }
  }

  async function measure() {
    if (!pc) { return; }
    var received = 0;
    var stats = await pc.getStats();
    stats.forEach(function (report) {
      if (report.type === "inbound-rtp") { received += report.bytesReceived || 0; }
    });
    bytesEl.textContent = String(received);
    videoEl.textContent = remote.videoWidth + "x" + remote.videoHeight;
  }

  async function start() {
    setState("new");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    } catch (error) {
      errorEl.textContent = "无法打开摄像头或麦克风：" + error;
      return;
    }
    localVideo.srcObject = stream;
    if (role === "resident") { await offer(); }
    setInterval(poll, 1000);
    setInterval(measure, 1000);
    poll();
  }

  start();
})();
