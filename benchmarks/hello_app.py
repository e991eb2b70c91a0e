"""The floor: the smallest Flask app, served exactly like the LMS."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
