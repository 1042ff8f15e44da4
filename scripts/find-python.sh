#!/bin/sh
# Print the path of a Python 3.12+ interpreter, or explain what to install.
# Order: python3.13, python3.12, python3 on PATH, then the newest pyenv version.
# A pyenv shim for a version that is not active exits non-zero, so each
# candidate is asked to run rather than merely looked up.
is_recent() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

for candidate in python3.13 python3.12 python3; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if is_recent "$path"; then
        echo "$path"
        exit 0
    fi
done

pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
if [ -d "$pyenv_root/versions" ]; then
    for version in $(ls "$pyenv_root/versions" | grep -E '^3\.[0-9]+\.[0-9]+$' | sort -t. -k1,1nr -k2,2nr -k3,3nr); do
        path="$pyenv_root/versions/$version/bin/python3"
        if [ -x "$path" ] && is_recent "$path"; then
            echo "$path"
            exit 0
        fi
    done
fi

echo "Sinergi needs Python 3.12 or newer, and none was found." >&2
echo "Install it, e.g. 'apt-get install python3.12 python3.12-venv' or 'pyenv install 3.12'," >&2
echo "or point the Makefile at one: make run PYTHON=/path/to/python3.12" >&2
exit 1
