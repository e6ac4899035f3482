"""Flask CLI commands: demo data, API tokens, the first administrator, job maintenance."""

import click
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models.org import RoleAssignment, User
from app.services import api_tokens, demo, demo_measurement


def register_cli(app: Flask) -> None:
    @app.cli.group("demo")
    def demo_group():
        """Demo data."""

    @demo_group.command("load")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no users.")
    def demo_load(if_empty: bool):
        """Load the Nizhny Novgorod pilot organisation and one login per role (idempotent)."""
        if if_empty and db.session.scalar(select(func.count(User.id))):
            click.echo("База не пуста: демо-данные не загружались.")
            logins = demo.logins()
        else:
            logins = demo.load()
            click.echo("Демо-данные загружены.")
        if logins:
            click.echo(f"Демо-входы (пароль для всех: {demo.DEMO_PASSWORD}):")
        for role, email in logins:
            click.echo(f"  {role:22} {email}")

    @app.cli.group("measurement")
    def measurement_group():
        """Methodology and questionnaires."""

    @measurement_group.command("install")
    def measurement_install():
        """Install the seeded methodology versions and federal questionnaires that are missing (idempotent)."""
        demo_measurement.install()
        db.session.commit()
        click.echo("Методика и федеральные анкеты установлены.")

    @app.cli.group("api-token")
    def token_group():
        """Personal API tokens."""

    @token_group.command("create")
    @click.argument("email")
    @click.option("--name", default="CLI", help="A label for the token.")
    def token_create(email: str, name: str):
        """Create a token for EMAIL and print it once."""
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
        if user is None:
            raise click.ClickException(f"Сотрудник с почтой {email} не найден.")
        _, plain = api_tokens.issue(user, name)
        db.session.commit()
        click.echo(plain)

    @app.cli.command("create-admin")
    @click.argument("email")
    @click.argument("full_name")
    @click.password_option()
    def create_admin(email: str, full_name: str, password: str):
        """Create a federal-level administrator (for a fresh production database)."""
        if db.session.scalar(select(User).where(func.lower(User.email) == email.lower())):
            raise click.ClickException("Такой сотрудник уже есть.")
        user = User(email=email.lower(), full_name=full_name, position="Администратор", phone="")
        user.set_password(password)
        user.roles.append(RoleAssignment(role="admin"))
        db.session.add(user)
        db.session.commit()
        click.echo(f"Администратор {email} создан.")
