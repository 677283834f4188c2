FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends libpq5 curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 atelier

COPY pyproject.toml README.md ./
COPY shop ./shop
COPY makers ./makers
COPY commissions ./commissions
RUN pip install .
COPY . .
# collectstatic needs settings that import; a throwaway key is enough for that step.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-used-at-runtime-0123456789abcdefghij \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/private-media && chown -R atelier /app/media /app/private-media

USER atelier
EXPOSE 8000
CMD ["gunicorn", "shop.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
