"""JupyterHub for one course on one server: local system users logged in with PAM, the local process spawner.

``nndl_hub.py install`` copies this file to ``PREFIX/etc/jupyterhub/`` with
its settings beside it (``course.json``: folders, ports, the instructors'
group, the grader account); the hub runs as root, from ``PREFIX/state``::

    cd PREFIX/state && PREFIX/env/bin/jupyterhub -f PREFIX/etc/jupyterhub/jupyterhub_config.py

Who sees what is decided by the Unix groups, read at every login and spawn:

* members of the instructors' group are put in the hub group of the same
  name, which may open the ``formgrader`` service (the hub's Services menu).
  Their own servers get the instructor tools (nbgrader's formgrader and
  Create Assignment), the course folder as nbgrader's root and
  ``nndl-course`` on their PATH;
* everyone else of the students' group gets the student tools (Assignments,
  Validate) and nothing of the course folder, which their accounts cannot
  read anyway.

The formgrader service is nbgrader's formgrader in a single-user server run
as the grader account in the course folder (nbgrader's "JupyterHub service"
setup). A ``course-admin`` service holds an API token in
``PREFIX/state/course-admin.token`` (root only) for the server's own
scripts: listing users and servers, stopping them.
"""

import grp
import json
import os
import pwd
import secrets
from pathlib import Path

from jupyterhub.auth import PAMAuthenticator

c = get_config()  # noqa: F821 - injected by traitlets when the file is loaded

SETTINGS = json.loads((Path(__file__).resolve().parent / "course.json").read_text())
STATE = Path(SETTINGS["state"])
ENV_BIN = Path(SETTINGS["environment"]) / "bin"
INSTRUCTORS = SETTINGS["instructors_group"]
STUDENTS = SETTINGS["students_group"]
CONFIG = SETTINGS["config"]


def unix_groups(name: str) -> set[str]:
    """The names of the Unix groups ``name`` belongs to, its primary group included."""
    try:
        primary = pwd.getpwnam(name).pw_gid
    except KeyError:
        return set()
    return {grp.getgrgid(gid).gr_name for gid in os.getgrouplist(name, primary)}


class CourseAuthenticator(PAMAuthenticator):
    """PAM, with the hub's groups taken from the user's Unix groups at each login."""

    async def authenticate(self, handler, data):
        result = await super().authenticate(handler, data)
        if result is None:
            return None
        name = result if isinstance(result, str) else result["name"]
        return {"name": name, "groups": sorted(unix_groups(name) & {INSTRUCTORS, STUDENTS})}


# -- the hub and its proxy, on the addresses install chose ---------------------------------------
c.JupyterHub.bind_url = f"http://{SETTINGS['ip']}:{SETTINGS['port']}/"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = SETTINGS["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{SETTINGS['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [SETTINGS["proxy"]]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + str(STATE / "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

# -- who may log in ---------------------------------------------------------------------------
c.JupyterHub.authenticator_class = CourseAuthenticator
c.Authenticator.manage_groups = True
c.PAMAuthenticator.allowed_groups = {INSTRUCTORS, STUDENTS}

# -- every user's server: JupyterLab from the course environment, in their home folder ---------
c.Spawner.cmd = [str(ENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# SIGINT makes a Jupyter server with no terminal ask "Shutdown this Jupyter server?", wait 5 s and carry on;
# SIGTERM stops it cleanly (kernels shut down), so stopping a server need not wait for the question.
c.LocalProcessSpawner.interrupt_timeout = 1
# Nothing of the hub's own environment (a PYTHONPATH above all) reaches the users' servers.
c.Spawner.env_keep = ["LANG", "LC_ALL"]


def role_environment(instructor: bool) -> dict:
    """The environment of a server of an instructor (True) or a student (False)."""
    env = {
        "PATH": f"{ENV_BIN}:/usr/local/bin:/usr/bin:/bin",
        "NNDL_DATA_DIR": SETTINGS["data"],
        "JUPYTER_CONFIG_PATH": os.pathsep.join([CONFIG["student"], CONFIG["common"]]),
    }
    if instructor:
        env["PATH"] = f"{SETTINGS['bin']}:{env['PATH']}"
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([CONFIG["instructor"], CONFIG["common"]])
        env["PYTHONPATH"] = SETTINGS["instructor_lib"]
    return env


def pre_spawn_hook(spawner):
    """Give the server the instructor's or the student's tools, by the user's Unix groups now."""
    spawner.environment.update(role_environment(INSTRUCTORS in unix_groups(spawner.user.name)))


c.Spawner.pre_spawn_hook = pre_spawn_hook

# -- the formgrader service, for the instructors' group -----------------------------------------
admin_token_file = STATE / "course-admin.token"
if not admin_token_file.exists():
    admin_token_file.touch(mode=0o600)
    admin_token_file.write_text(secrets.token_hex(32))
service_env = role_environment(instructor=True)
service_env.update(
    {
        "HOME": str(Path(pwd.getpwnam(SETTINGS["grader"]).pw_dir)),
        # The Services menu leads straight to the formgrader.
        "JUPYTERHUB_DEFAULT_URL": "/formgrader",
    }
)
c.JupyterHub.services = [
    {
        "name": SETTINGS["service"],
        "url": f"http://127.0.0.1:{SETTINGS['service_port']}",
        "command": [str(ENV_BIN / "jupyterhub-singleuser")],
        "user": SETTINGS["grader"],
        "cwd": SETTINGS["course"],
        "environment": service_env,
        "oauth_no_confirm": True,
        "display": True,
    },
    {"name": "course-admin", "api_token": admin_token_file.read_text().strip(), "display": False},
]
c.JupyterHub.load_roles = [
    {
        "name": "formgrader-users",
        "description": "open the course's formgrader",
        "groups": [INSTRUCTORS],
        "scopes": [f"access:services!service={SETTINGS['service']}"],
    },
    {
        "name": "course-admin",
        "description": "the server's own scripts: users, servers, groups",
        "services": ["course-admin"],
        "scopes": ["admin:users", "admin:servers", "admin:server_state", "admin:groups", "list:services"],
    },
]
