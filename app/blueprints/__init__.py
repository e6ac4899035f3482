"""Blueprints, one package per area: routes parse, authorise, call a service, render."""
