# Gunicorn for Adal. The access log leaves out the client's address and user agent on purpose:
# a reporter must not be identifiable from our logs.
import os

workers = int(os.getenv("WEB_WORKERS", "2"))
worker_class = "sync"
timeout = 60
accesslog = os.getenv("ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = ""
