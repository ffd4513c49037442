# termtrans for translation and serving, CPU only. Build and run:
#   docker build -t termtrans .
#   docker run --rm -p 5000:5000 -v termtrans-data:/data termtrans \
#       serve --host 0.0.0.0 -g /app/seeds/glossary.tsv --data-dir /data --api-keys /data/keys.txt
#   docker run --rm -v "$PWD:/work" -w /work termtrans translate article.md -g terms.tsv --out vi/
FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1 XDG_CACHE_HOME=/data/cache
WORKDIR /app
COPY . /app
# The translate and serve extras: CTranslate2, no PyTorch — the default model ships inside the
# wheel already converted. (For other models add the torch extra, with PyTorch's CPU build:
# pip install torch --index-url https://download.pytorch.org/whl/cpu, then '.[torch]'.)
RUN pip install '.[translate,serve]' \
 && useradd --create-home termtrans && mkdir -p /data && chown termtrans /data
USER termtrans
VOLUME /data
EXPOSE 5000
ENTRYPOINT ["termtrans"]
CMD ["serve", "--host", "0.0.0.0", "--data-dir", "/data"]
