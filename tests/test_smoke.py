def test_login_page_is_chinese_by_default(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    assert "登录" in response.content.decode()
