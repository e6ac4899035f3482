from flask import render_template
from flask_login import current_user, login_required

from app.blueprints.main import bp
from app.models.org import ROLES
from app.services.terms import TERMS

ROLE_HOME = {
    "admin": "Организационная структура, сотрудники, импорт, журнал аудита и настройки.",
    "federal_coordinator": "Регионы и пилотные центры программы, ход работы по регионам.",
    "expert": "Экспертиза паспортов центров (появится в разделе «Паспорта»).",
    "observer": "Просмотр данных своего уровня без права изменения.",
    "director": "Дорожная карта, просроченные поручения и индекс клиентоцентричности.",
    "group_head": "Рабочая группа: заседания, протоколы и решения.",
    "secretary": "Протоколы заседаний рабочей группы и контроль поручений.",
    "team_lead": "Поручения команды и корректирующие мероприятия.",
    "quality_officer": "Обратная связь клиентов: разбор жалоб и предложений.",
    "responsible_employee": "Сбор анкет клиентов и заполнение паспорта центра.",
    "hr": "Сотрудники, согласия и признание: сотрудник месяца.",
    "employee": "Мои поручения и голосование за коллег.",
}


@bp.route("/")
@login_required
def home():
    cards = [
        {"role": a.role, "label": ROLES.get(a.role, a.role), "scope": a.scope_label, "text": ROLE_HOME.get(a.role, "")}
        for a in current_user.roles
    ]
    return render_template("main/home.html", cards=cards)


@bp.route("/glossary")
@login_required
def glossary():
    return render_template("main/glossary.html", terms=sorted(TERMS.items()))
