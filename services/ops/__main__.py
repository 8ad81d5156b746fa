"""``python -m services.ops``: write the deployment files generated from the code."""

from .generated import ROOT, write_generated

if __name__ == "__main__":
    for written in write_generated():
        print(f"wrote {written.relative_to(ROOT)}")
