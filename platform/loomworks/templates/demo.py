"""The demo instance: the three templates, a person for every role, and a year of business.

``loomworks demo`` installs ``crm``, ``projects`` and ``crm_projects`` (once), creates the demo
people (printing fresh passwords each run), and on an empty CRM loads deterministic demo
data in both languages: companies and contacts, leads from every source, deals across the
pipeline closing over the past year, signed contracts (whose delivery projects, milestones
and managers the bridge rules create), tasks, time, tickets, campaigns and survey answers,
enough for every dashboard to say something. Everything is written through the services, so
rules, rollups and workflows behave as they would for people; dates are relative to today so
the dashboards stay current.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from ..auth import users
from ..auth.models import users as users_table
from ..core.context import SYSTEM_ACTOR, Actor, Tx
from ..records import service
from ..runtime import Runtime
from ..workflows.guard import importing
from .demo_delivery import DeliveryDemo
from .install import Options, install
from .installs import installed_versions

APPS = ("crm", "projects", "crm_projects")
SEED = 2026


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    roles: tuple[str, ...]
    locale: str = "en"
    #: The company (by demo name) a portal user belongs to.
    company: str | None = None


PEOPLE = (
    DemoUser("admin@example.com", "Administrator", ("admin",)),
    DemoUser("builder@example.com", "Demo Builder 搭建者", ("builder",)),
    DemoUser("sales.manager@example.com", "王芳 Wang Fang", ("sales_manager",), "zh-CN"),
    DemoUser("rep@example.com", "张伟 Zhang Wei", ("sales_rep",), "zh-CN"),
    DemoUser("rep2@example.com", "Emma Lee", ("sales_rep",)),
    DemoUser("pm@example.com", "李娜 Li Na", ("project_manager",), "zh-CN"),
    DemoUser("pm2@example.com", "James Chen", ("project_manager",)),
    DemoUser("dev@example.com", "刘洋 Liu Yang", ("team_member",), "zh-CN"),
    DemoUser("dev2@example.com", "Sofia Martins", ("team_member",)),
    DemoUser("dev3@example.com", "陈静 Chen Jing", ("team_member",), "zh-CN"),
    DemoUser("customer@example.com", "赵敏 Zhao Min (海港食品)", ("customer",), "zh-CN", "海港食品 Harbor Foods"),
    DemoUser("customer2@example.com", "Oliver Grant (Summit Logistics)", ("customer",), "en", "Summit Logistics"),
)
COMPANIES = [
    ("海港食品 Harbor Foods", "retail", "large", "gold"),
    ("Summit Logistics", "services", "medium", "silver"),
    ("云帆科技 Yunfan Tech", "technology", "medium", "platinum"),
    ("Jade Tea House", "retail", "small", "none"),
    ("华东制造 Huadong Manufacturing", "manufacturing", "enterprise", "gold"),
    ("Pacific Health", "healthcare", "large", "none"),
    ("明德教育 Mingde Education", "education", "medium", "none"),
    ("Northern Capital", "finance", "enterprise", "platinum"),
    ("丝路纺织 Silk Road Textiles", "manufacturing", "large", "none"),
    ("Lotus Media", "services", "small", "none"),
    ("金桥物流 Golden Bridge Freight", "services", "large", "silver"),
    ("Riverside Clinics", "healthcare", "medium", "none"),
    ("东方零售 Eastern Retail", "retail", "enterprise", "gold"),
    ("Brightline Software", "technology", "small", "none"),
    ("青山能源 Qingshan Energy", "manufacturing", "large", "none"),
    ("Aurora Insurance", "finance", "large", "silver"),
]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "Anna",
    "Ben",
    "Chloe",
    "David",
    "Grace",
    "Henry",
    "Ivy",
    "Jack",
]
FAMILY = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "Smith",
    "Brown",
    "Wilson",
    "Taylor",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
]
DEAL_KINDS = ["CRM rollout", "项目管理", "Renewal 续约", "Expansion 扩容"]
SOURCES = ["website", "referral", "event", "campaign", "cold_call", "partner"]


def run_demo(runtime: Runtime, echo: Callable[[str], None]) -> None:
    """Install the apps, (re)create the demo people, and load the demo data once."""
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        have = installed_versions(tx.conn)
        for key in APPS:
            if key not in have:
                install(tx, key, Options())
                echo(f"installed template {key}")
    passwords = _people(runtime)
    with runtime.transaction(SYSTEM_ACTOR) as tx:
        if _count(tx, "company") == 0:
            counts = DemoData(tx, _ids(tx)).load()
            echo("demo data: " + ", ".join(f"{n} {entity}" for entity, n in counts.items()))
        _link_customers(tx)
    echo("Loomworks demo logins:")
    for person in PEOPLE:
        echo(f"  {person.email:<28} {passwords[person.email]:<20} {', '.join(person.roles)}")


def _people(runtime: Runtime) -> dict[str, str]:
    import secrets

    passwords = {}
    with runtime.engine.begin() as conn:
        for person in PEOPLE:
            password = secrets.token_urlsafe(9)
            found = users.find_user_by_email(conn, person.email)
            if found is None:
                users.create_user(conn, person.email, password, person.name, list(person.roles), person.locale)
            else:
                users.set_password(conn, found["id"], password)
            passwords[person.email] = password
    return passwords


def _ids(tx: Tx) -> dict[str, int]:
    rows = tx.conn.execute(select(users_table.c.email, users_table.c.id))
    return {email: user_id for email, user_id in rows}


def _count(tx: Tx, entity: str) -> int:
    table = tx.runtime.tables_for(tx.runtime.entities.get(tx.conn, entity)).main
    return int(tx.conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _link_customers(tx: Tx) -> None:
    """Portal users belong to their company (linked by the company's demo name)."""
    table = tx.runtime.tables_for(tx.runtime.entities.get(tx.conn, "company")).main
    for person in PEOPLE:
        if person.company is None:
            continue
        company_id = tx.conn.execute(select(table.c.id).where(table.c.name == person.company)).scalar()
        if company_id is not None:
            link = {"entity": "company", "id": company_id}
            tx.conn.execute(update(users_table).where(users_table.c.email == person.email).values(link=link))


class DemoData(DeliveryDemo):
    def __init__(self, tx: Tx, people: dict[str, int]) -> None:
        self.tx = tx
        self.people = people
        self.rng = random.Random(SEED)
        self.today = datetime.now(UTC).date()
        self.counts: dict[str, int] = {}

    def create(self, entity: str, values: dict[str, Any], as_email: str | None = None) -> dict[str, Any]:
        tx = self.tx
        if as_email is not None:
            user = users.get_user(tx.conn, self.people[as_email])
            tx = tx.acting_as(Actor(id=user["id"], email=user["email"], name=user["name"], roles=tuple(user["roles"])))
        record = service.create_record(tx, entity, {k: v for k, v in values.items() if v is not None})
        self.counts[entity] = self.counts.get(entity, 0) + 1
        return record

    def day(self, offset: int) -> str:
        return (self.today + timedelta(days=offset)).isoformat()

    def load(self) -> dict[str, int]:
        reps = [self.people["rep@example.com"], self.people["rep2@example.com"]]
        companies = self._companies(reps)
        contacts = self._contacts(companies)
        self._products()
        self._leads(reps)
        with importing(self.tx, "deal"), importing(self.tx, "contract"):
            deals = self._deals(companies, contacts, reps)
            self._contracts(deals)
        self._delivery()
        self._service(companies, contacts)
        self._campaigns(contacts)
        for entity in ("project", "milestone", "task"):  # made by the bridge rule, not counted as created
            self.counts[entity] = _count(self.tx, entity)
        return dict(self.counts)

    def _companies(self, reps: list[int]) -> list[dict[str, Any]]:
        found = []
        for index, (name, industry, size, tier) in enumerate(COMPANIES):
            found.append(
                self.create(
                    "company",
                    {
                        "name": name,
                        "industry": industry,
                        "size": size,
                        "vip_tier": tier,
                        "owner": reps[index % 2],
                        "annual_revenue": self.rng.randrange(2, 400) * 1_000_000,
                        "tags": self.rng.sample(["key", "重点", "new", "续约"], 2),
                        "website": f"https://www.example{index}.com",
                        "risk_level": self.rng.choice(["low", "low", "medium"]),
                    },
                )
            )
        return found

    def _person(self) -> str:
        family, given = self.rng.choice(FAMILY), self.rng.choice(GIVEN)
        return f"{family}{given}" if len(family) == 1 and len(given) == 1 else f"{given} {family}"

    def _contacts(self, companies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found = []
        for company in companies:
            for n in range(2):
                found.append(
                    self.create(
                        "contact",
                        {
                            "name": self._person(),
                            "email": f"contact{company['id']}.{n}@customer.example",
                            "phone": f"+86 21 {self.rng.randrange(10000000, 99999999)}",
                            "company": company["id"],
                            "title": self.rng.choice(["CIO", "采购经理", "Operations director", "IT 主管", "CEO"]),
                        },
                    )
                )
        return found

    def _products(self) -> None:
        for code, name, price in (
            ("LW-CRM", "CRM seats / CRM 席位", 1200),
            ("LW-PRJ", "Projects seats / 项目席位", 900),
            ("LW-IMPL", "Implementation / 实施服务", 50000),
            ("LW-TRN", "Training day / 培训日", 8000),
        ):
            self.create("product", {"code": code, "name": name, "price": price, "active": True})

    def _leads(self, reps: list[int]) -> None:
        for index in range(60):
            self.create(
                "lead",
                {
                    "name": self._person(),
                    "company_name": f"Prospect {index + 1} 潜在客户",
                    "email": f"lead{index}@prospect.example",
                    "source": self.rng.choice(SOURCES),
                    "owner": reps[index % 2],
                    "status": self.rng.choice(["new", "new", "contacted", "qualified", "unqualified"]),
                },
            )

    def _deals(
        self, companies: list[dict[str, Any]], contacts: list[dict[str, Any]], reps: list[int]
    ) -> list[dict[str, Any]]:
        stages = ["qualification", "needs_analysis", "proposal", "negotiation", "won", "lost"]
        found = []
        for index in range(140):
            company = self.rng.choice(companies)
            stage = self.rng.choices(stages, weights=[10, 10, 9, 7, 40, 24])[0]
            closed = stage in ("won", "lost")
            close = self.rng.randrange(-360, -3) if closed else self.rng.randrange(10, 120)
            found.append(
                self.create(
                    "deal",
                    {
                        "name": f"{company['name'].split()[0]} · {self.rng.choice(DEAL_KINDS)} {index + 1}",
                        "company": company["id"],
                        "contact": self._contact_of(company, contacts)["id"],
                        "stage": stage,
                        "amount": self.rng.randrange(20, 600) * 1000,
                        "owner": reps[index % 2],
                        "expected_close": self.day(close),
                        "closed_date": self.day(close) if closed else None,
                        "lost_reason": "Budget cut / 预算削减" if stage == "lost" else None,
                    },
                )
            )
        return found

    def _contact_of(self, company: dict[str, Any], contacts: list[dict[str, Any]]) -> dict[str, Any]:
        return next(c for c in contacts if c["company"] == company["id"])

    def _contracts(self, deals: list[dict[str, Any]]) -> None:
        won = [d for d in deals if d["stage"] == "won"]
        for index, deal in enumerate(won[:18]):
            signed = index < 14
            start = (date.fromisoformat(deal["closed_date"]) - self.today).days + 7
            self.create(
                "contract",
                {
                    "deal": deal["id"],
                    "company": deal["company"],
                    "contact": deal["contact"],
                    "amount": deal["amount"],
                    "owner": deal["owner"],
                    "status": "signed" if signed else "in_review",
                    "signed_date": deal["closed_date"] if signed else None,
                    "start_date": self.day(start),
                    "end_date": self.day(start + 365),
                },
            )

    def _service(self, companies: list[dict[str, Any]], contacts: list[dict[str, Any]]) -> None:
        for index in range(36):
            company = self.rng.choice(companies)
            self.create(
                "ticket",
                {
                    "subject": self.rng.choice(
                        [
                            "Login problem / 无法登录",
                            "Report export / 报表导出",
                            "New user / 新增用户",
                            "Slow page / 页面慢",
                        ]
                    ),
                    "company": company["id"],
                    "contact": self._contact_of(company, contacts)["id"],
                    "status": self.rng.choice(["open", "in_progress", "waiting", "resolved", "closed"]),
                    "priority": self.rng.choice(["low", "normal", "normal", "high", "urgent"]),
                    "assignee": self.people["sales.manager@example.com"] if index % 3 == 0 else None,
                },
            )
        for _ in range(50):
            company = self.rng.choice(companies)
            self.create(
                "activity",
                {
                    "type": self.rng.choice(["call", "meeting", "email", "task"]),
                    "subject": f"Follow-up / 跟进 {company['name']}",
                    "due_at": f"{self.day(self.rng.randrange(-20, 20))}T10:00:00+08:00",
                    "status": self.rng.choice(["open", "done"]),
                    "assignee": self.people[self.rng.choice(["rep@example.com", "rep2@example.com"])],
                    "company": company["id"],
                },
            )

    def _campaigns(self, contacts: list[dict[str, Any]]) -> None:
        for index, (name, kind) in enumerate(
            (
                ("Spring webinar / 春季线上研讨会", "webinar"),
                ("Trade fair Shanghai / 上海展会", "event"),
                ("Newsletter Q3 / 三季度邮件", "email"),
            )
        ):
            campaign = self.create(
                "campaign",
                {
                    "name": name,
                    "type": kind,
                    "status": ["completed", "active", "planned"][index],
                    "start_date": self.day(-90 + index * 45),
                    "budget": 20000 + index * 15000,
                },
            )
            for contact in self.rng.sample(contacts, 8):
                self.create(
                    "campaign_member",
                    {
                        "name": contact["name"],
                        "campaign": campaign["id"],
                        "contact": contact["id"],
                        "status": self.rng.choice(["invited", "responded", "attended"]),
                    },
                )
