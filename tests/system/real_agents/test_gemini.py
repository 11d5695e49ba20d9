"""Gemini CLI (the pinned npm release) with guardsh's hook, driven by the fake model.

Gemini CLI can be pointed at a local endpoint: with an API key (GEMINI_API_KEY) it talks to
the Gemini API through @google/genai, which takes its base URL from GOOGLE_GEMINI_BASE_URL
(plain http is accepted for 127.0.0.1). It has no setting for its shell, so only the hook is
tested."""

from __future__ import annotations

from harness import World, gemini_env, refuse_approve_retry, run_gemini

HARMLESS = "echo hello-from-agent; ls"


def ran_harmless(result: str) -> bool:
    """Gemini CLI reports a command's output as `Output: ...` inside <untrusted_context>."""
    lines = result.splitlines()
    return "Output: hello-from-agent" in lines and "data" in lines and "guardsh: refused" not in result


def with_hook(world: World) -> None:
    world.guardsh("setup", "gemini", env=gemini_env(world))


def hook_payloads(world: World) -> list[str]:
    return [c["stdin"] for c in world.calls() if c["argv"][:2] == ["hook", "gemini"]]


def test_hook_harmless_command_runs_and_its_output_reaches_the_model(world, gemini):
    with_hook(world)
    run = run_gemini(world, gemini, [{"command": HARMLESS}])
    assert not run.timed_out and run.returncode == 0, run.describe()
    [result] = run.tool_results()
    assert ran_harmless(result), run.describe()
    [payload] = hook_payloads(world)
    assert '"hook_event_name":"BeforeTool"' in payload and '"tool_name":"run_shell_command"' in payload, payload


def test_hook_rm_rf_is_refused_then_approved_and_the_retry_runs_once(world, gemini):
    with_hook(world)
    run, seen = refuse_approve_retry(world, lambda script, **kw: run_gemini(world, gemini, script, **kw),
                                     "rm -rf data")
    assert not run.timed_out and run.returncode == 0, run.describe()
    assert seen["data_survived_refusal"], seen["refusal"]
    assert seen["refusal"].startswith("Tool execution blocked: guardsh: refused"), seen["refusal"]
    assert "fs.rm-recursive" in seen["refusal"], seen["refusal"]
    assert seen["data_gone_after_retry"], seen["retry"]
    third = run.tool_results()[2]
    assert "guardsh approve" in third and world.data.exists(), "the approval was used twice:\n" + third
