"""Structure checks of infra/compose.yaml and infra/Dockerfile (see check-infra.sh)."""
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def compose():
    path = os.path.join(ROOT, "infra/compose.yaml")
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    services = doc.get("services", {})
    for name in ["postgres", "redis", "migrate", "app1", "app2", "app3", "lb"]:
        check(name in services, f"compose: service {name} missing")
    apps = [services.get(n, {}) for n in ("app1", "app2", "app3")]
    for i, app in enumerate(apps, 1):
        env = app.get("environment", {})
        check(app.get("image") == "daoshi:latest", f"compose: app{i} is not the daoshi image")
        dep = app.get("depends_on", {})
        check(dep.get("migrate", {}).get("condition") == "service_completed_successfully",
              f"compose: app{i} must start after the migration completed")
        check(env.get("REDIS_URL", "").startswith("redis://"), f"compose: app{i} needs Redis (several replicas)")
        check(env.get("DAOSHI_ENV") == "production", f"compose: app{i} must run in production mode")
        for secret in ("JWT_SECRET", "DATABASE_URL"):
            check(secret not in env, f"compose: app{i} has {secret} in its environment (use {secret}_FILE)")
            f = env.get(f"{secret}_FILE", "")
            check(f.startswith("/run/secrets/"), f"compose: app{i} reads {secret} from a mounted secret")
            check(os.path.basename(f) in app.get("secrets", []), f"compose: app{i} does not mount {f}")
        check(str(env.get("DAOSHI_TRUST_PROXY")) == "1", f"compose: app{i} behind the LB must trust its X-Forwarded-For")
        check(app.get("stop_grace_period"), f"compose: app{i} needs a stop grace period (drain)")
    check(services.get("migrate", {}).get("command") == ["migrate"], "compose: migrate runs `daoshi migrate`")
    for name in ("postgres", "redis"):
        check("healthcheck" in services.get(name, {}), f"compose: {name} needs a health check")
    declared = doc.get("secrets", {})
    gen = open(os.path.join(ROOT, "infra/make-secrets.sh"), encoding="utf-8").read()
    for name, spec in declared.items():
        f = spec.get("file", "")
        check(f.startswith("./secrets/"), f"compose: secret {name} must be a file under infra/secrets")
        check(f"secrets/{os.path.basename(f)}" in gen, f"compose: infra/make-secrets.sh does not write {f}")
    lb = services.get("lb", {})
    check(any("haproxy.cfg" in v for v in lb.get("volumes", [])), "compose: lb must mount haproxy.cfg")
    cfg = open(os.path.join(ROOT, "infra/haproxy.cfg"), encoding="utf-8").read()
    servers = re.findall(r"^\s*server\s+\S+\s+(\w+):8080", cfg, re.M)
    check(sorted(servers) == ["app1", "app2", "app3"], f"haproxy.cfg: backends {servers} are not app1..app3")
    check("option httpchk GET /readyz" in cfg, "haproxy.cfg: health check must use /readyz (drain)")


def dockerfile():
    text = open(os.path.join(ROOT, "infra/Dockerfile"), encoding="utf-8").read()
    froms = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M)
    check(len(froms) >= 2, "Dockerfile: must be multi-stage")
    final = text[text.rindex("\nFROM "):]
    user = re.findall(r"^USER\s+(\S+)", final, re.M)
    check(bool(user) and not user[-1].startswith(("0", "root")), "Dockerfile: final stage must run as non-root")
    check(re.search(r'HEALTHCHECK .*\n?.*daoshi", "probe"', final) is not None, "Dockerfile: HEALTHCHECK must run `daoshi probe`")
    check("COPY --from=build /src/frontend/dist" in final, "Dockerfile: the image must carry the built frontend")
    check("scripts/build-frontend.sh" in text, "Dockerfile: must build the frontend with scripts/build-frontend.sh")
    check("cargo build --release --locked -p backend --bin daoshi" in text, "Dockerfile: must build the daoshi binary")
    test_sh = open(os.path.join(ROOT, "scripts/test.sh"), encoding="utf-8").read()
    check("scripts/build-frontend.sh" in test_sh and "cargo build -p backend --bin daoshi" in test_sh,
          "scripts/test.sh no longer runs the Dockerfile's build steps outside a container")
    for src in re.findall(r"^COPY\s+(?!--from)(\S+)", text, re.M):
        check(src == "." or os.path.exists(os.path.join(ROOT, src)), f"Dockerfile: COPY source {src} missing")
    ignore = open(os.path.join(ROOT, ".dockerignore"), encoding="utf-8").read().split()
    for p in ("target", "infra/secrets", "data"):
        check(p in ignore, f".dockerignore: {p} must stay out of the build context")


compose()
dockerfile()
if problems:
    for p in problems:
        print(f"FAIL {p}", file=sys.stderr)
    sys.exit(1)
print("compose and Dockerfile: ok")
