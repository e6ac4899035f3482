def test_login_page_is_russian(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Вход в cxm" in response.get_data(as_text=True)


def test_sign_in_lands_on_home(make, login, client):
    user = make.user(("director", make.centre()))
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert "Руководитель" in page and user.full_name in page
