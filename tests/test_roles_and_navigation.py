import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views import View

from agencies.models import Membership
from agencies.navigation import sections_for
from agencies.roles import Role, has_role, roles_of
from agencies.services import membership_set_roles
from agencies.views.mixins import RoleRequiredMixin
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def test_roles_come_from_the_membership(budi, ani):
    assert has_role(budi, Role.SUPERVISOR)
    assert not has_role(ani, Role.SUPERVISOR, Role.HEAD)


def test_a_user_may_hold_several_roles(dinsos):
    user = member_of(dinsos, Role.INTAKE, Role.CASEWORKER)
    assert roles_of(user) == {"intake", "caseworker"}


def test_an_inactive_agency_grants_no_roles(ani, dinsos):
    dinsos.is_active = False
    dinsos.save(update_fields=["is_active"])
    assert roles_of(type(ani).objects.get(pk=ani.pk)) == frozenset()


def test_anonymous_users_have_no_roles(rf):
    from django.contrib.auth.models import AnonymousUser

    assert roles_of(AnonymousUser()) == frozenset()


def test_setting_roles_replaces_them_and_opens_the_admin_site_only_to_admins(ani):
    membership = Membership.objects.get(user=ani)
    membership_set_roles(membership=membership, roles=[Role.ADMIN])
    assert roles_of(membership.user) == {"admin"} and membership.user.is_staff
    membership_set_roles(membership=membership, roles=[Role.CASEWORKER])
    assert not membership.user.is_staff


def test_unknown_roles_are_refused(ani):
    with pytest.raises(ValueError, match="Unknown"):
        membership_set_roles(membership=ani.membership, roles=["overlord"])


class SupervisorsOnly(RoleRequiredMixin, View):
    required_roles = (Role.SUPERVISOR,)

    def get(self, request):
        return "allowed"


def test_the_role_mixin_refuses_other_roles(ani, budi):
    request = RequestFactory().get("/")
    request.user = ani
    with pytest.raises(PermissionDenied):
        SupervisorsOnly.as_view()(request)
    request.user = budi
    assert SupervisorsOnly.as_view()(request) == "allowed"


def test_each_role_is_offered_only_what_it_may_use(eko, ani, rina):
    assert [section.url_name for section in sections_for(eko)] == ["admin:index"]
    assert [section.url_name for section in sections_for(ani)] == [
        "complaint-inbox",
        "case-list",
        "referral-incoming",
        "referral-outgoing",
        "forum-list",
        "my-action-items",
        "agreement-list",
        "network-member-list",
        "prevention-list",
        "safe-house-list",
    ]
    assert [section.url_name for section in sections_for(rina)] == ["my-complaints"]


def test_meetings_are_in_the_menu_of_those_who_meet(fajar, dewi, budi, gita, hadi):
    for user in (fajar, dewi, budi):
        names = [section.url_name for section in sections_for(user)]
        assert {"forum-list", "my-action-items"} <= set(names)
    for user in (gita, hadi):
        names = [section.url_name for section in sections_for(user)]
        assert "forum-list" not in names and "my-action-items" not in names


def test_the_admin_manages_agencies_but_sees_no_other_app(client, eko):
    client.force_login(eko)
    assert client.get("/admin/agencies/agency/").status_code == 200
    assert client.get("/admin/agencies/region/?q=Balikpapan").status_code == 200
    index = client.get("/admin/").content.decode()
    assert "/admin/agencies/agency/" in index
    assert "/admin/auth/group/" not in index


def test_other_roles_are_refused_by_the_admin_site(client, budi):
    client.force_login(budi)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/agencies/agency/").status_code == 403


def test_the_admin_site_sends_anonymous_visitors_to_the_one_sign_in_page(client):
    response = client.get("/admin/agencies/agency/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/masuk/?next=/admin/")


def test_admin_access_ends_with_the_membership(client, eko):
    client.force_login(eko)
    eko.membership.delete()
    assert client.get("/admin/").status_code == 403


def test_admin_access_ends_when_the_agency_is_deactivated(client, eko):
    client.force_login(eko)
    eko.membership.agency.is_active = False
    eko.membership.agency.save(update_fields=["is_active"])
    assert client.get("/admin/").status_code == 403


def test_the_admin_cannot_see_or_change_superusers(client, eko):
    from agencies.models import User

    root = User.objects.create_superuser("root", "root@example.invalid", "a-long-password-1")
    client.force_login(eko)
    assert "root" not in client.get("/admin/agencies/user/").content.decode()
    assert client.get(f"/admin/agencies/user/{root.pk}/password/").status_code == 404
    client.post(f"/admin/agencies/user/{root.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=root.pk).exists()


def test_the_admin_assigns_roles_with_checkboxes(client, eko, ani):
    client.force_login(eko)
    membership = ani.membership
    response = client.post(
        f"/admin/agencies/membership/{membership.pk}/change/",
        {
            "user": ani.pk,
            "agency": membership.agency_id,
            "unit": membership.unit_id or "",
            "position": "Pekerja Sosial",
            "role_set": ["caseworker", "intake"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert roles_of(type(ani).objects.get(pk=ani.pk)) == {"caseworker", "intake"}


def test_the_admin_cannot_make_anyone_a_superuser(client, eko):
    client.force_login(eko)
    response = client.post(
        f"/admin/agencies/user/{eko.pk}/change/",
        {
            "username": "eko",
            "full_name": "Eko Wibowo",
            "email": "eko@demo.sinergi.invalid",
            "preferred_language": "id",
            "is_active": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    eko.refresh_from_db()
    assert eko.full_name == "Eko Wibowo"
    assert not eko.is_superuser


# --- The signed-in request loads its user and membership in one query --------------------------


def signed_in_user(user):
    """The user as a signed-in request loads them (agencies.auth)."""
    from agencies.auth import UsernameOrEmailBackend

    return UsernameOrEmailBackend().get_user(user.pk)


@pytest.mark.parametrize("username", ["ani", "budi", "hadi", "citra", "sari", "fajar", "rina"])
def test_the_signed_in_user_comes_with_the_membership_membership_of_would_read(
    username, request, django_assert_num_queries
):
    from agencies.roles import membership_of

    user = request.getfixturevalue(username)
    with django_assert_num_queries(1):
        loaded = signed_in_user(user)
        membership = membership_of(loaded)
        roles = roles_of(loaded)
        agency, unit = membership.agency, membership.unit
    fresh = type(user).objects.get(pk=user.pk)
    expected = membership_of(fresh)
    assert (membership.pk, agency.pk, getattr(unit, "pk", None)) == (
        expected.pk,
        expected.agency_id,
        expected.unit_id,
    )
    assert roles == roles_of(fresh) and roles


def _fields(instance) -> dict | None:
    if instance is None:
        return None
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


@pytest.mark.parametrize(
    "username", ["ani", "budi", "hadi", "citra", "sari", "dewi", "fajar", "gita", "eko", "rina"]
)
def test_the_statement_written_once_loads_what_the_orm_loads(
    username, request, django_assert_num_queries
):
    """agencies.user_load writes the load's SQL itself; the ORM's queryset is the truth."""
    from agencies.models import User
    from agencies.roles import LOADED_ROLES, with_membership
    from agencies.user_load import user_with_membership

    user = request.getfixturevalue(username)
    expected = with_membership(User.objects.filter(pk=user.pk)).get()
    with django_assert_num_queries(1):
        loaded = user_with_membership(user.pk)
        membership = loaded.membership
        related = (membership.user, membership.agency, membership.unit)
    assert _fields(loaded) == _fields(expected)
    assert _fields(membership) == _fields(expected.membership)
    assert related[0] is loaded
    assert _fields(related[1]) == _fields(expected.membership.agency)
    assert _fields(related[2]) == _fields(expected.membership.unit)
    assert getattr(loaded, LOADED_ROLES) == getattr(expected, LOADED_ROLES)
    assert not loaded._state.adding and loaded._state.db == "default"


def test_the_statement_written_once_loads_a_user_without_membership(django_user_model):
    from django.core.exceptions import ObjectDoesNotExist

    from agencies.roles import LOADED_ROLES
    from agencies.user_load import user_with_membership

    loose = django_user_model.objects.create_user(username="tanpa", password="x" * 16)
    loaded = user_with_membership(loose.pk)
    assert _fields(loaded) == _fields(loose) and getattr(loaded, LOADED_ROLES) == []
    with pytest.raises(ObjectDoesNotExist):
        loaded.membership  # noqa: B018 - reading it is the test
    assert user_with_membership(loose.pk + 10_000) is None


def test_a_deactivated_account_is_signed_out_on_the_next_request(client, ani):
    client.force_login(ani)
    assert client.get("/kasus/").status_code == 200
    type(ani).objects.filter(pk=ani.pk).update(is_active=False)
    assert client.get("/kasus/").status_code == 302


def test_the_signed_in_user_of_an_inactive_agency_holds_no_membership(ani, dinsos):
    from agencies.roles import membership_of

    dinsos.is_active = False
    dinsos.save(update_fields=["is_active"])
    loaded = signed_in_user(ani)
    assert membership_of(loaded) is None and roles_of(loaded) == frozenset()


def test_a_signed_in_user_without_membership_holds_none(django_user_model):
    from agencies.roles import membership_of

    loose = django_user_model.objects.create_user(username="tanpa", password="x" * 16)
    assert membership_of(signed_in_user(loose)) is None


def test_a_role_taken_away_is_gone_on_the_next_request(client, budi):
    client.force_login(budi)
    assert client.get("/dasbor/").status_code == 200
    membership_set_roles(membership=Membership.objects.get(user=budi), roles=[Role.CASEWORKER])
    assert client.get("/dasbor/").status_code == 403
