"""Drives one simulated switch with Netmiko's cisco_nxos driver and prints the results as JSON.

Usage: python3 netmiko_nxos.py HOST PORT USERNAME PASSWORD [SESSION_LOG]
The password is read from the argument list only; it is never printed.
"""
import json
import sys

from netmiko import ConnectHandler


def main() -> None:
    host, port, username, password = sys.argv[1:5]
    session_log = sys.argv[5] if len(sys.argv) > 5 else None
    device = {
        "device_type": "cisco_nxos",
        "host": host,
        "port": int(port),
        "username": username,
        "password": password,
        "fast_cli": False,
    }
    if session_log:
        device["session_log"] = session_log

    connection = ConnectHandler(**device)
    try:
        result = {
            "prompt": connection.find_prompt(),
            "show_version": connection.send_command("show version"),
            "config": connection.send_config_set(["feature bash-shell"]),
            "show_feature": connection.send_command("show feature | include bash-shell"),
            "docker_status": connection.send_command("run bash sudo service docker status"),
        }
    finally:
        connection.disconnect()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
