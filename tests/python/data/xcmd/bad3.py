"""Three constructs a standalone file cannot have."""
import json


def load(path):
    return json.loads(path)


def area(r):
    return math_pi * r * r
