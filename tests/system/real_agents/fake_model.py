"""A scripted model on loopback, and the runner that puts it and a real agent
in a network namespace of their own.

Run as `unshare -n [-m] python fake_model.py SPEC.json`: inside the new
namespace only `lo` exists, so the agent can reach the fake model on
127.0.0.1 and nothing else. The spec names the agent's command line, its
environment, a timeout and the script; the runner writes everything the
model received, and the agent's exit status and output, to spec["result"].

The script is a list of turns, indexed by how many tool results the
conversation already holds (stateless, so an agent's retry of a request gets
the same answer):
  {"command": "..."}             answer with one call of the agent's shell tool
  {"command": "...", "wait_for": PATH}  first wait (bounded) until PATH exists
  {"call": NAME, "args": {...}}  call any tool; "$SESSION" in an argument becomes the
                                 session number the last tool output named (Codex's
                                 write_stdin into a program exec_command left running)
  {"text": "..."}                answer with text and end the turn
Past the end of the script the model ends the turn with "done".

Three wire formats:
  - Anthropic Messages API (`POST /v1/messages`, SSE when "stream": true), for
    Claude Code. Requests without the shell tool (title, topic, quota probes)
    get a short text answer and do not advance the script.
  - OpenAI Responses API (`POST /v1/responses`, SSE), for Codex. The shell
    tool's name and argument shape are read from the request's tool list.
  - Gemini API (`POST /v1beta/models/M:streamGenerateContent?alt=sse` and
    `:generateContent`), for Gemini CLI; its shell tool is run_shell_command.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = 18080  # fixed: every run has a namespace of its own, so it is always free
WAIT_LIMIT = 60.0  # seconds a turn waits for its `wait_for` file before going on without it


class Recorder:
    """Every request, kept for the result file and appended at once to a live log,
    so a test can act while the agent runs (approve a refused command)."""

    def __init__(self, live: str | None = None):
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.live = live

    def add(self, entry: dict) -> None:
        with self.lock:
            self.requests.append(entry)
            if self.live:
                with open(self.live, "a") as fh:
                    fh.write(json.dumps(entry) + "\n")


def _sse(events: list[tuple[str | None, dict]]) -> bytes:
    out = []
    for name, data in events:
        if name:
            out.append(f"event: {name}\n")
        out.append(f"data: {json.dumps(data)}\n\n")
    return "".join(out).encode()


def _turn(script: list[dict], done_calls: int) -> dict:
    step = script[done_calls] if done_calls < len(script) else {"text": "done"}
    wait_for = step.get("wait_for")
    if wait_for:
        deadline = time.monotonic() + WAIT_LIMIT
        while not os.path.exists(wait_for) and time.monotonic() < deadline:
            time.sleep(0.1)
    return step


# --- Anthropic Messages API (Claude Code) -----------------------------------


def _anthropic_tool_results(body: dict) -> int:
    n = 0
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, list):
            n += sum(1 for block in content if isinstance(block, dict) and block.get("type") == "tool_result")
    return n


def anthropic_answer(body: dict, script: list[dict], tool: str) -> tuple[list[dict], str]:
    tools = [t.get("name") for t in body.get("tools") or []]
    if tool not in tools:
        return [{"type": "text", "text": "ok"}], "end_turn"
    n = _anthropic_tool_results(body)
    step = _turn(script, n)
    if "command" in step:
        return [{"type": "tool_use", "id": f"toolu_{n:04d}", "name": tool,
                 "input": {"command": step["command"], "description": "run a command"}}], "tool_use"
    if "call" in step:
        return [{"type": "tool_use", "id": f"toolu_{n:04d}", "name": step["call"], "input": step["args"]}], "tool_use"
    return [{"type": "text", "text": step["text"]}], "end_turn"


def anthropic_stream(content: list[dict], stop: str, model: str) -> bytes:
    events: list[tuple[str | None, dict]] = [("message_start", {"type": "message_start", "message": {
        "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 1}}})]
    for i, block in enumerate(content):
        if block["type"] == "text":
            events.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {"type": "text", "text": ""}}))
            events.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                   "delta": {"type": "text_delta", "text": block["text"]}}))
        else:
            events.append(("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                "type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}}))
            events.append(("content_block_delta", {"type": "content_block_delta", "index": i, "delta": {
                "type": "input_json_delta", "partial_json": json.dumps(block["input"])}}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    events.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                     "usage": {"output_tokens": 5}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return _sse(events)


# --- OpenAI Responses API (Codex) --------------------------------------------


def _tool_names(body: dict) -> list[str]:
    return [t.get("name") or (t.get("function") or {}).get("name") for t in body.get("tools") or []]


def codex_call(tools: list[str], command: str) -> tuple[str, dict]:
    """The shell call in the shape the request's tool list asks for."""
    if "exec_command" in tools:
        return "exec_command", {"cmd": command}
    if "shell_command" in tools:
        return "shell_command", {"command": command}
    if "shell" in tools:
        return "shell", {"command": ["bash", "-lc", command]}
    raise ValueError(f"no shell tool among {tools}")


def responses_answer(body: dict, script: list[dict]) -> list[dict]:
    items = body.get("input") or []
    n = sum(1 for item in items if isinstance(item, dict) and item.get("type") == "function_call_output")
    step = _turn(script, n)
    if "command" in step or "call" in step:
        if "command" in step:
            name, args = codex_call(_tool_names(body), step["command"])
        else:
            outputs = [str(i.get("output")) for i in items if isinstance(i, dict) and i.get("type") == "function_call_output"]
            found = re.findall(r"session ID (\d+)", outputs[-1]) if outputs else []
            name = step["call"]
            args = {k: (int(found[-1]) if v == "$SESSION" and found else v) for k, v in step["args"].items()}
        return [{"type": "function_call", "id": f"fc_{n:04d}", "call_id": f"call_{n:04d}", "name": name,
                 "arguments": json.dumps(args), "status": "completed"}]
    return [{"type": "message", "id": f"msg_{n:04d}", "role": "assistant", "status": "completed",
             "content": [{"type": "output_text", "text": step["text"], "annotations": []}]}]


def responses_stream(output: list[dict], model: str) -> bytes:
    response = {"id": "resp_fake", "object": "response", "created_at": int(time.time()), "model": model,
                "status": "in_progress", "output": []}
    events: list[tuple[str | None, dict]] = [("response.created", {"type": "response.created", "response": response})]
    for i, item in enumerate(output):
        events.append(("response.output_item.added", {"type": "response.output_item.added", "output_index": i,
                                                      "item": item}))
        events.append(("response.output_item.done", {"type": "response.output_item.done", "output_index": i,
                                                     "item": item}))
    done = dict(response, status="completed", output=output, usage={
        "input_tokens": 10, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 5,
        "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 15})
    events.append(("response.completed", {"type": "response.completed", "response": done}))
    return _sse(events)


# --- Gemini API (Gemini CLI) -------------------------------------------------------


def _gemini_tools(body: dict) -> list[str]:
    return [f.get("name") for t in body.get("tools") or [] for f in t.get("functionDeclarations") or []]


def gemini_answer(body: dict, script: list[dict], tool: str) -> dict:
    """One GenerateContentResponse. Side requests (the model router's classifier, ...)
    have no shell tool: they get an empty JSON object as text."""
    if tool not in _gemini_tools(body):
        parts = [{"text": "{}"}]
    else:
        n = sum(1 for c in body.get("contents") or [] for p in c.get("parts") or [] if "functionResponse" in p)
        step = _turn(script, n)
        if "command" in step:
            parts = [{"functionCall": {"name": tool, "args": {"command": step["command"],
                                                              "description": "run a command"}}}]
        elif "call" in step:
            parts = [{"functionCall": {"name": step["call"], "args": step["args"]}}]
        else:
            parts = [{"text": step["text"]}]
    return {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15},
            "modelVersion": "fake"}


# --- the server --------------------------------------------------------------


def make_handler(recorder: Recorder, script: list[dict], claude_tool: str):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _reply(self, status: int, body: bytes, ctype: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            recorder.add({"method": "GET", "path": self.path, "time": time.time()})
            if self.path.split("?")[0].endswith("/models"):
                return self._reply(200, json.dumps({"object": "list", "data": [], "models": []}).encode())
            self._reply(404, b'{"error": "not found"}')

        def do_HEAD(self):
            recorder.add({"method": "HEAD", "path": self.path, "time": time.time()})
            self._reply(200, b"")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.headers.get("Content-Encoding") == "zstd":
                raw = b""  # not expected; recorded as empty rather than guessed at
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"_raw": raw.decode("utf-8", "replace")}
            path = self.path.split("?")[0]
            recorder.add({"method": "POST", "path": self.path, "time": time.time(), "body": body,
                          "headers": sorted(self.headers.keys())})
            model = body.get("model", "fake-model") if isinstance(body, dict) else "fake-model"
            if path.endswith("/messages/count_tokens"):
                return self._reply(200, b'{"input_tokens": 10}')
            if path.endswith("/messages"):
                content, stop = anthropic_answer(body, script, claude_tool)
                if body.get("stream"):
                    return self._reply(200, anthropic_stream(content, stop, model), "text/event-stream")
                return self._reply(200, json.dumps({
                    "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": content,
                    "stop_reason": stop, "stop_sequence": None,
                    "usage": {"input_tokens": 10, "output_tokens": 5}}).encode())
            if path.endswith(":streamGenerateContent"):
                answer = gemini_answer(body, script, "run_shell_command")
                return self._reply(200, f"data: {json.dumps(answer)}\r\n\r\n".encode(), "text/event-stream")
            if path.endswith(":generateContent"):
                return self._reply(200, json.dumps(gemini_answer(body, script, "run_shell_command")).encode())
            if path.endswith(":countTokens"):
                return self._reply(200, b'{"totalTokens": 10}')
            if path.endswith("/responses"):
                return self._reply(200, responses_stream(responses_answer(body, script), model), "text/event-stream")
            self._reply(404, b'{"error": "not found"}')

    return Handler


def serve(script: list[dict], claude_tool: str = "Bash", live: str | None = None
          ) -> tuple[ThreadingHTTPServer, Recorder]:
    recorder = Recorder(live)
    server = ThreadingHTTPServer(("127.0.0.1", PORT), make_handler(recorder, script, claude_tool))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, recorder


def _kill(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    """The agent's whole process group: nothing it started outlives the run."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        return proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # a grandchild in another group holds the pipes open
        return b"", b""


def run(spec: dict) -> int:
    """Inside the namespace: loopback up, optional bind mounts, the server, the agent."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=10)
    for source, target in spec.get("bind_mounts", []):
        subprocess.run(["mount", "--bind", source, target], check=True, timeout=10)
    server, recorder = serve(spec["script"], spec.get("claude_tool", "Bash"), spec.get("live"))
    started = time.monotonic()
    result = {"returncode": None, "timed_out": False}
    proc = subprocess.Popen(spec["argv"], cwd=spec["cwd"], env=spec["env"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    signal.signal(signal.SIGTERM, lambda *_: (_kill(proc), sys.exit(1)))
    try:
        out, err = proc.communicate(timeout=spec["timeout"])
    except subprocess.TimeoutExpired:
        result["timed_out"] = True
        out, err = _kill(proc)
    result.update(returncode=proc.returncode, stdout=out.decode("utf-8", "replace"),
                  stderr=err.decode("utf-8", "replace"))
    result["seconds"] = round(time.monotonic() - started, 2)
    server.shutdown()
    result["requests"] = recorder.requests
    with open(spec["result"], "w") as fh:
        json.dump(result, fh, indent=1)
    return 0


if __name__ == "__main__":
    with open(sys.argv[1]) as fh:
        sys.exit(run(json.load(fh)))
