"""The front page: where to find a programme, and a way back to one's own application."""

from flask import Blueprint, render_template

blp = Blueprint("home", __name__)


@blp.get("/")
def home():
    return render_template("home.html")
