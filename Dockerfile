# The portal image: the same image runs the web process and the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings PDF_FONT_DIR=/app/var/fonts
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
COPY portal ./portal
COPY core ./core
COPY parks ./parks
COPY plans ./plans
COPY indicators ./indicators
COPY notifications ./notifications
COPY documents ./documents
COPY review ./review
COPY summaries ./summaries
RUN pip install .
# The build steps load the settings, which refuse to run without a SECRET_KEY: each gets a random
# one of its own that signs nothing and is not kept in the image. The real key comes at run time.
# The PDF's print fonts (core/fonts.py, ~40 s): a layer of their own, rebuilt only with the code.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    django-admin build_pdf_fonts
COPY . .
RUN export SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
 && python manage.py compilemessages -v0 \
 && WHITENOISE_USE_FINDERS=false STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage \
    python manage.py collectstatic --noinput -v0 \
 && useradd --system --home /app portal && mkdir -p /data/private && chown -R portal /data
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
