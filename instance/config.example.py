# Copy to instance/config.py (never committed) to override defaults on this installation.
# Environment variables CRM_* override this file.
#
# DATABASE_URL = "postgresql+psycopg://crm:PASSWORD@127.0.0.1:5432/crm"
# SECRET_KEY = "a long random string"  # or set CRM_SECRET_KEY; all app servers must share it
# SECURE_COOKIES = False               # only for plain HTTP on an intranet (default True: HTTPS)
