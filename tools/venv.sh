# Sourced by the tools: makes tools/.venv with the pinned Pillow and ImageHash (from the package
# index, once) and sets PYTHON to its interpreter.
TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$TOOLS_DIR/.venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import PIL, imagehash; assert PIL.__version__ == "13.0.0" and imagehash.__version__ == "4.3.2"' 2>/dev/null; then
    echo "setting up $VENV (Pillow 13.0.0, ImageHash 4.3.2)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$TOOLS_DIR/requirements.txt"
fi
PYTHON="$VENV/bin/python"
